#!/usr/bin/env python3
"""Reads from a running rungd over gRPC and prints JSON (protobuf's mapping).

  rung_query.py adsets [--account ID]   every ad set, page by page
  rung_query.py adset AD_SET_ID         one ad set, summarized at its latest week
  rung_query.py history AD_SET_ID       its weeks, oldest first
  rung_query.py health                  grpc.health.v1 status

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


def show(message):
    print(json_format.MessageToJson(message, indent=2))


def main():
    parser = argparse.ArgumentParser(description="Query rungd over gRPC")
    parser.add_argument("--server", default="127.0.0.1:50051")
    commands = parser.add_subparsers(dest="command", required=True)
    adsets = commands.add_parser("adsets")
    adsets.add_argument("--account", default="")
    commands.add_parser("adset").add_argument("ad_set_id")
    commands.add_parser("history").add_argument("ad_set_id")
    commands.add_parser("health")
    args = parser.parse_args()

    with grpc.insecure_channel(args.server) as channel:
        stub = api_grpc.AdvisorServiceStub(channel)
        try:
            if args.command == "adsets":
                token = ""
                while True:
                    page = stub.ListAdSets(api.ListAdSetsRequest(account_id=args.account, page_token=token),
                                           timeout=10)
                    for ad_set in page.ad_sets:
                        show(ad_set)
                    token = page.next_page_token
                    if not token:
                        break
            elif args.command == "adset":
                show(stub.GetAdSet(api.GetAdSetRequest(ad_set_id=args.ad_set_id), timeout=10).ad_set)
            elif args.command == "history":
                show(stub.GetAdSetHistory(api.GetAdSetHistoryRequest(ad_set_id=args.ad_set_id), timeout=10))
            else:
                answer = health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(), timeout=10)
                print(health_pb2.HealthCheckResponse.ServingStatus.Name(answer.status))
        except grpc.RpcError as error:
            print(f"rung_query: {error.code().name}: {error.details()}", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
