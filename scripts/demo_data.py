#!/usr/bin/env python3
"""Loads realistic demo ad set weeks into a running rungd over gRPC.

Ten weeks, ending at the last complete ISO week, for two accounts whose ad
sets sit on different rungs: stuck on Purchase, ready to climb from AddToCart,
freshly moved, near exit, with checkout friction, with a funnel inversion, too
small to learn anywhere, a lead-generation ladder with a custom event, and
one with a week missing. The numbers carry a little deterministic noise.
It then runs stored evaluations as of each of the last four weeks, oldest
first, so that accounts have a weekly trend and a week-on-week change to
show, and prints how many ad sets got each action at the last week, so that
recommendations can be queried at once.

Usage: demo_data.py [--server HOST:PORT] [--weeks N] [--evaluated-weeks N]
"""

import argparse
import datetime
import random
import sys

import grpc

from rung.v1 import ad_set_pb2
from rung.v1 import advisor_service_pb2 as api
from rung.v1 import advisor_service_pb2_grpc as api_grpc
from rung.v1 import recommendation_pb2

ECOMMERCE = ["PageView", "ViewContent", "AddToCart", "InitiateCheckout", "Purchase"]

# ad set id -> (account, campaign, ladder, {event: weekly mean}, optimization event per week from the
# oldest, or one event for all weeks)
AD_SETS = {
    "as_stuck_on_purchase": ("act_1001", "cmp_prospecting", "", {
        "PageView": 1500, "ViewContent": 340, "AddToCart": 85, "InitiateCheckout": 28, "Purchase": 12},
        "Purchase"),
    "as_ready_to_climb": ("act_1001", "cmp_prospecting", "", {
        "PageView": 2100, "ViewContent": 480, "AddToCart": 86, "InitiateCheckout": 40, "Purchase": 14},
        "AddToCart"),
    "as_just_moved_down": ("act_1001", "cmp_retargeting", "", {
        "PageView": 1300, "ViewContent": 310, "AddToCart": 85, "InitiateCheckout": 22, "Purchase": 9},
        ["ViewContent"] * 9 + ["AddToCart"]),
    "as_view_content_strong": ("act_1001", "cmp_retargeting", "", {
        "PageView": 2600, "ViewContent": 340, "AddToCart": 85, "InitiateCheckout": 60, "Purchase": 55},
        "ViewContent"),
    "as_near_exit": ("act_1001", "cmp_brand", "", {
        "PageView": 1800, "ViewContent": 420, "AddToCart": 140, "InitiateCheckout": 70, "Purchase": 41},
        "Purchase"),
    "as_checkout_friction": ("act_1001", "cmp_brand", "", {
        "PageView": 3200, "ViewContent": 900, "AddToCart": 250, "InitiateCheckout": 45, "Purchase": 20},
        "AddToCart"),
    "as_funnel_inversion": ("act_2002", "cmp_summer_sale", "", {
        "PageView": 2400, "ViewContent": 500, "AddToCart": 45, "InitiateCheckout": 70, "Purchase": 60},
        "Purchase"),
    "as_too_small": ("act_2002", "cmp_summer_sale", "", {
        "PageView": 46, "ViewContent": 38, "AddToCart": 21, "InitiateCheckout": 12, "Purchase": 8},
        "Purchase"),
    "as_lead_form": ("act_2002", "cmp_lead_gen", "lead_generation", {
        "PageView": 1900, "ViewContent": 620, "form_start": 95, "Lead": 31},
        "form_start"),
    "as_with_gap": ("act_2002", "cmp_lead_gen", "", {
        "PageView": 1700, "ViewContent": 380, "AddToCart": 90, "InitiateCheckout": 33, "Purchase": 15},
        "AddToCart"),
}


def last_complete_monday(today):
    this_monday = today - datetime.timedelta(days=today.weekday())
    return this_monday - datetime.timedelta(weeks=1)


def noisy(mean, rng):
    return max(0, round(mean * rng.uniform(0.94, 1.06)))


def build_weeks(weeks, end_monday):
    rng = random.Random(20261116)
    records = []
    for ad_set_id, (account, campaign, ladder, means, events) in AD_SETS.items():
        schedule = events if isinstance(events, list) else [events] * weeks
        schedule = schedule[-weeks:]
        schedule = [schedule[0]] * (weeks - len(schedule)) + schedule
        for index, event in enumerate(schedule):
            monday = end_monday - datetime.timedelta(weeks=weeks - 1 - index)
            if ad_set_id == "as_with_gap" and index == weeks - 2:
                continue  # paused for a week: no record
            counts = {name: noisy(mean, rng) for name, mean in means.items()}
            record = ad_set_pb2.AdSetWeek(
                account_id=account, campaign_id=campaign, ad_set_id=ad_set_id,
                week_start=monday.isoformat(), optimization_event=event,
                spend_micros=noisy(1_000, rng) * 1_000_000, ladder=ladder if index == 0 else "")
            record.event_counts.update(counts)
            if ad_set_id == "as_too_small" and index == weeks - 1:
                record.reported_learning_status = ad_set_pb2.REPORTED_LEARNING_STATUS_FAIL
            records.append(record)
    return records


def action_counts_text(counts):
    """'1 MOVE_DOWN, 2 HOLD, ...' in the enum's order, without the ACTION_ prefix."""
    ordered = sorted(counts, key=lambda c: c.action)
    return ", ".join(f"{c.count} {recommendation_pb2.Action.Name(c.action).removeprefix('ACTION_')}"
                     for c in ordered) or "nothing"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--server", default="127.0.0.1:50051")
    parser.add_argument("--weeks", type=int, default=10)
    parser.add_argument("--evaluated-weeks", type=int, default=4,
                        help="how many of the last weeks to evaluate, oldest first (default 4)")
    args = parser.parse_args()
    if not 1 <= args.evaluated_weeks <= args.weeks:
        parser.error("--evaluated-weeks must be between 1 and --weeks")

    end = last_complete_monday(datetime.datetime.now(datetime.timezone.utc).date())
    records = build_weeks(args.weeks, end)
    with grpc.insecure_channel(args.server) as channel:
        stub = api_grpc.AdvisorServiceStub(channel)
        try:
            answer = stub.IngestWeeks(
                api.IngestWeeksRequest(weeks=records, request_id=f"demo-{end.isoformat()}"), timeout=30)
            print(f"demo data: {len(AD_SETS)} ad sets x {args.weeks} weeks up to {end.isoformat()}: "
                  f"{answer.inserted} inserted, {answer.updated} updated, {answer.unchanged} unchanged")
            for warning in answer.warnings:
                print(f"  warning: {warning}")
            # The daemon's default as-of week is this same last complete week; naming each week
            # keeps the last evaluation on the demo's last week even if a new week starts in
            # between. Oldest first, as a weekly job would have run them.
            for back in range(args.evaluated_weeks - 1, -1, -1):
                week = end - datetime.timedelta(weeks=back)
                evaluation = stub.EvaluateAdSets(
                    api.EvaluateAdSetsRequest(as_of_week=week.isoformat()), timeout=30)
        except grpc.RpcError as error:
            print(f"demo_data: {error.code().name}: {error.details()}", file=sys.stderr)
            return 1
    earlier = args.evaluated_weeks - 1
    print(f"evaluated {evaluation.evaluated} ad sets as of {evaluation.as_of_week} "
          f"(evaluation {evaluation.evaluation_id}, policy {evaluation.policy_version}"
          + (f"; the {earlier} weeks before too" if earlier > 1 else "; the week before too" if earlier else "")
          + "):")
    print(f"  {action_counts_text(evaluation.action_counts)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
