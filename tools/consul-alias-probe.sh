#!/usr/bin/env bash
# consul-alias-probe.sh - measures what one heartbeat per client would cost on Consul: N agent
# services each tied to one client heartbeat by an alias check (Consul 1.3+), instead of a TTL
# check per node passed every TTL/3 (what registry-consul does). Kept to reproduce the numbers in
# README (Consul, "Keep-alive"); not part of the build.
#
# Usage: tools/consul-alias-probe.sh [N]        (default 2000; starts its own dev agent on 127.0.0.1:18500)
# Prints: registration time, the heartbeat pass and an agent read with N aliases, the agent's CPU
# and RSS, and how long the N alias checks take to follow a failed heartbeat.
set -u
root="$(cd "$(dirname "$0")/.." && pwd)"
consul="$("$root/tools/fetch-server.sh" consul bullseye usr/bin/consul)"
port=18500
n=${1:-2000}
work="$(mktemp -d)"
"$consul" agent -dev -bind 127.0.0.1 -client 127.0.0.1 -http-port $port -dns-port -1 -grpc-port -1 \
  -serf-lan-port 18301 -serf-wan-port 18302 -server-port 18300 -log-level warn > "$work/agent.log" 2>&1 &
agent=$!
trap 'kill $agent 2>/dev/null; rm -rf "$work"' EXIT
until curl -sf http://127.0.0.1:$port/v1/status/leader | grep -q 127; do sleep 0.2; done
a=http://127.0.0.1:$port/v1/agent
now() { date +%s.%N; }
since() { echo "$(now) - $1" | bc; }

curl -sf -X PUT $a/service/register \
  -d '{"ID":"hb-client1","Name":"micro-registry-heartbeat","Check":{"CheckID":"hb-client1","TTL":"600s","Status":"passing"}}'
start=$(now)
for i in $(seq 1 "$n"); do
  curl -sf -X PUT $a/service/register -d "{\"ID\":\"svc-$((i % 100))-n$i\",\"Name\":\"svc-$((i % 100))\",\"Address\":\"127.0.0.1\",\"Port\":$i,\"Checks\":[{\"CheckID\":\"alias-n$i\",\"AliasService\":\"hb-client1\"}]}" \
    || echo "registration $i failed"
  (( i % 1000 == 0 )) && { curl -sf -X PUT $a/check/pass/hb-client1; echo "registered $i after $(since "$start") s"; }
done
echo "register $n: $(since "$start") s"
t=$(now); curl -sf -m 300 -X PUT $a/check/pass/hb-client1; echo "one heartbeat pass: $(since "$t") s"
t=$(now); curl -sf -m 300 $a/services > /dev/null; echo "agent/services: $(since "$t") s"
ps -o %cpu=,rss= -p $agent | awk '{print "agent cpu% " $1 ", rss " int($2/1024) " MiB"}'
t=$(now); curl -sf -m 300 -X PUT $a/check/fail/hb-client1
for w in $(seq 1 120); do
  c=$(curl -s -m 300 "http://127.0.0.1:$port/v1/health/state/critical" | grep -o '"CheckID"' | wc -l)
  (( c > n )) && { echo "all $n aliases critical $(since "$t") s after the heartbeat failed"; break; }
  sleep 1
done
ps -o %cpu=,rss= -p $agent | awk '{print "agent cpu% " $1 ", rss " int($2/1024) " MiB after the flip"}'
