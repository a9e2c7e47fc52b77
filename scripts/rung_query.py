#!/usr/bin/env python3
"""Reads from a running rungd over gRPC.

  rung_query.py adsets [--account ID]   every ad set, page by page (JSON)
  rung_query.py adset AD_SET_ID         one ad set, summarized at its latest week (JSON)
  rung_query.py history AD_SET_ID       its weeks, oldest first (JSON)
  rung_query.py health                  grpc.health.v1 status
  rung_query.py recommendations [--account ID] [--week W] [--action A] [--flag F]
                                        one line per ad set: id, action, target, flags
  rung_query.py recommendation AD_SET_ID [--week W]
                                        one recommendation with its reasons
  rung_query.py evaluate [--week W] [--account ID] [--dry-run]
                                        runs an evaluation; prints the count of each action
  rung_query.py policy [--account ID]   the effective policy (JSON)
  rung_query.py climb-tests [--account ID] [--state S]
                                        one line per climb test

Action, flag and state names may be given with or without their enum prefix
(MOVE_DOWN or ACTION_MOVE_DOWN); --action and --flag may repeat. A failed call
prints its gRPC status code and message on one line of stderr and exits 1.

A stopgap until `rungctl` lands; it uses the same stubs as the interop tests.
"""

import argparse
import sys

import grpc
from google.protobuf import json_format

import health_pb2
import health_pb2_grpc
from rung.v1 import advisor_service_pb2 as api
from rung.v1 import advisor_service_pb2_grpc as api_grpc
from rung.v1 import climb_test_pb2
from rung.v1 import recommendation_pb2

TIMEOUT = 10
EVALUATE_TIMEOUT = 120


def show(message):
    print(json_format.MessageToJson(message, indent=2))


def enum_argument(enum, prefix):
    """An argparse type: a name of `enum`, with or without `prefix`, in any case."""
    names = [name for name in enum.keys() if not name.endswith("_UNSPECIFIED")]

    def parse(text):
        name = text.strip().upper()
        name = name if name.startswith(prefix) else prefix + name
        if name not in names:
            raise argparse.ArgumentTypeError(
                f"{text!r} is not one of {', '.join(n.removeprefix(prefix) for n in names)}")
        return enum.Value(name)

    return parse


def short(enum, prefix, value):
    return enum.Name(value).removeprefix(prefix)


def action_name(value):
    return short(recommendation_pb2.Action, "ACTION_", value)


def flags_text(flags):
    return ",".join(short(recommendation_pb2.Flag, "FLAG_", f) for f in flags) or "-"


def pages(call, request):
    """Yields every page of a List call, following next_page_token."""
    while True:
        page = call(request, timeout=TIMEOUT)
        yield page
        if not page.next_page_token:
            return
        request.page_token = page.next_page_token


def print_table(rows):
    if not rows:
        return
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    for row in rows:
        print("  ".join([cell.ljust(width) for cell, width in zip(row, widths)] + [row[-1]]).rstrip())


def list_recommendations(stub, args):
    request = api.ListRecommendationsRequest(account_id=args.account, as_of_week=args.week,
                                             actions=args.action, flags=args.flag)
    rows = []
    for page in pages(stub.ListRecommendations, request):
        rows += [(r.ad_set_id, action_name(r.action), r.target_event or "-", flags_text(r.flags))
                 for r in page.recommendations]
    print_table(rows)


def show_recommendation(stub, args):
    r = stub.GetRecommendation(api.GetRecommendationRequest(ad_set_id=args.ad_set_id, as_of_week=args.week),
                               timeout=TIMEOUT).recommendation
    print(f"{r.ad_set_id} ({r.account_id}) as of {r.as_of_week}, optimizing {r.current_event or '-'}")
    print_table([
        ("  action:", action_name(r.action)),
        ("  target:", r.target_event or "-"),
        ("  learning status:",
         short(recommendation_pb2.LearningStatus, "LEARNING_STATUS_", r.learning_status)),
        ("  flags:", flags_text(r.flags)),
        ("  weeks on rung:", str(r.weeks_on_rung)),
        ("  next review:", r.next_review_week or "-"),
        ("  policy version:", r.policy_version),
    ] + ([("  climb test:", r.climb_test_id)] if r.climb_test_id else []))
    print("reasons:")
    for reason in r.reasons:
        print(f"  {reason.rule}: {reason.message}")


def evaluate(stub, args):
    answer = stub.EvaluateAdSets(
        api.EvaluateAdSetsRequest(as_of_week=args.week, account_id=args.account, dry_run=args.dry_run),
        timeout=EVALUATE_TIMEOUT)
    stored = "dry run, nothing stored" if args.dry_run else f"evaluation {answer.evaluation_id}"
    print(f"evaluated {answer.evaluated} ad sets as of {answer.as_of_week} "
          f"({stored}, policy {answer.policy_version})")
    print_table([(f"  {action_name(c.action)}", str(c.count))
                 for c in sorted(answer.action_counts, key=lambda c: c.action)])


def list_climb_tests(stub, args):
    request = api.ListClimbTestsRequest(account_id=args.account, state=args.state)
    rows = []
    for page in pages(stub.ListClimbTests, request):
        for t in page.climb_tests:
            costs = ""
            if t.HasField("original_cost_per_macro") or t.HasField("duplicate_cost_per_macro"):
                costs = f"cost/macro {t.original_cost_per_macro:.2f} -> {t.duplicate_cost_per_macro:.2f}"
            rows.append((t.climb_test_id, short(climb_test_pb2.ClimbTestState, "CLIMB_TEST_STATE_", t.state),
                         f"{t.original_ad_set_id} -> {t.duplicate_ad_set_id}",
                         f"{t.from_event} -> {t.to_event}", f"from {t.start_week}",
                         f"to {t.concluded_week}" if t.concluded_week else "", costs))
    print_table(rows)


def main():
    parser = argparse.ArgumentParser(description="Query rungd over gRPC")
    parser.add_argument("--server", default="127.0.0.1:50051")
    commands = parser.add_subparsers(dest="command", required=True)
    adsets = commands.add_parser("adsets")
    adsets.add_argument("--account", default="")
    commands.add_parser("adset").add_argument("ad_set_id")
    commands.add_parser("history").add_argument("ad_set_id")
    commands.add_parser("health")
    recommendations = commands.add_parser("recommendations")
    recommendations.add_argument("--account", default="")
    recommendations.add_argument("--week", default="", help="as-of week; default: each ad set's latest")
    recommendations.add_argument("--action", action="append", default=[],
                                 type=enum_argument(recommendation_pb2.Action, "ACTION_"))
    recommendations.add_argument("--flag", action="append", default=[],
                                 type=enum_argument(recommendation_pb2.Flag, "FLAG_"))
    recommendation = commands.add_parser("recommendation")
    recommendation.add_argument("ad_set_id")
    recommendation.add_argument("--week", default="", help="as-of week; default: the latest stored")
    evaluation = commands.add_parser("evaluate")
    evaluation.add_argument("--week", default="", help="as-of week; default: the last complete week")
    evaluation.add_argument("--account", default="")
    evaluation.add_argument("--dry-run", action="store_true")
    commands.add_parser("policy").add_argument("--account", default="")
    climb_tests = commands.add_parser("climb-tests")
    climb_tests.add_argument("--account", default="")
    climb_tests.add_argument("--state", default=climb_test_pb2.CLIMB_TEST_STATE_UNSPECIFIED,
                             type=enum_argument(climb_test_pb2.ClimbTestState, "CLIMB_TEST_STATE_"))
    args = parser.parse_args()

    with grpc.insecure_channel(args.server) as channel:
        stub = api_grpc.AdvisorServiceStub(channel)
        try:
            if args.command == "adsets":
                for page in pages(stub.ListAdSets, api.ListAdSetsRequest(account_id=args.account)):
                    for ad_set in page.ad_sets:
                        show(ad_set)
            elif args.command == "adset":
                show(stub.GetAdSet(api.GetAdSetRequest(ad_set_id=args.ad_set_id), timeout=TIMEOUT).ad_set)
            elif args.command == "history":
                show(stub.GetAdSetHistory(api.GetAdSetHistoryRequest(ad_set_id=args.ad_set_id),
                                          timeout=TIMEOUT))
            elif args.command == "recommendations":
                list_recommendations(stub, args)
            elif args.command == "recommendation":
                show_recommendation(stub, args)
            elif args.command == "evaluate":
                evaluate(stub, args)
            elif args.command == "policy":
                show(stub.GetPolicy(api.GetPolicyRequest(account_id=args.account), timeout=TIMEOUT).policy)
            elif args.command == "climb-tests":
                list_climb_tests(stub, args)
            else:
                answer = health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(),
                                                                   timeout=TIMEOUT)
                print(health_pb2.HealthCheckResponse.ServingStatus.Name(answer.status))
        except grpc.RpcError as error:
            details = " ".join((error.details() or "").split())
            print(f"rung_query: {error.code().name}: {details}", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
