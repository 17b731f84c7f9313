#!/usr/bin/env bash
# keyhole as four organisations deploy it: the lab's gatekeeper, the vendor's
# hub, a witness and a monitor, each a separate OS process with its own state
# directory and config file, talking only over HTTP, set up and run with the
# commands docs/OPERATIONS.md gives. Here they share one machine (loopback).
#
#   BOTS=3                 simulated annotators (keyhole bots)
#   DATASET=FILE FORMAT=F  what the lab ingests (default: the shipped demo data, auto)
#   TASK=T                 the campaign's task (default: ranking for oasst, else pairwise)
#   KEYHOLE_DB=postgres://…   the gatekeeper's and the hub's tables on PostgreSQL (own schemas)
#   KEYHOLE_BLOBS=s3://bucket/prefix   the hub's sealed items on S3 (AWS_ENDPOINT_URL for a local one)
#   WORK=DIR               where the four state directories go (default: a new temporary one)
#
# Stops everything it started. Exits non-zero if any step fails or items stay
# unlabelled. Its last line is one JSON object:
#   {"lab": DIR, "vendor": DIR, "witness": DIR, "log": DIR, "vkey": LOG_VKEY, "export": FILE, "items": N, "labelled": N}
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
# The installed package's build; a checkout without one runs the sources through tsx.
if [ -f "$ROOT/dist/cli/main.js" ]; then KEYHOLE=(node "$ROOT/dist/cli/main.js")
else KEYHOLE=(node --import tsx "$ROOT/src/cli/main.ts"); fi
keyhole() { "${KEYHOLE[@]}" "$@"; }

BOTS=${BOTS:-3}
DATASET=${DATASET:-$ROOT/demo/data/conversations.jsonl}
FORMAT=${FORMAT:-auto}
if [ "$FORMAT" = oasst ]; then TASK=${TASK:-ranking}; else TASK=${TASK:-pairwise}; fi
WORK=${WORK:-$(mktemp -d "${TMPDIR:-/tmp}/keyhole-hosts-XXXXXX")}
LAB=$WORK/lab VENDOR=$WORK/vendor WITNESS=$WORK/witness MONITOR=$WORK/monitor
mkdir -p "$LAB" "$VENDOR" "$WITNESS" "$MONITOR"
LAB_ID=acme-lab VENDOR_ID=acme-vendor CAMPAIGN=c1
export KEYHOLE_KEYSTORE_PASSPHRASE=${KEYHOLE_KEYSTORE_PASSPHRASE:-$(head -c 24 /dev/urandom | base64 | tr -d '/+=')}
say() { printf '== %s\n' "$*" >&2; }

# Services run as direct children (not through the shell function), so their PIDs are the node
# processes themselves and SIGTERM reaches them: each finishes in-flight requests and exits.
PIDS=()
serve_bg() { # OUT ERR ARGS...
  local out=$1 err=$2
  shift 2
  "${KEYHOLE[@]}" "$@" >"$out" 2>"$err" &
  PIDS+=($!)
}
stop_all() {
  local pid
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  PIDS=()
}
trap stop_all EXIT
trap 'exit 143' TERM INT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }
wait_ready() { # URL NAME LOG
  for _ in $(seq 600); do
    if curl -fsS "$1" >/dev/null 2>&1; then return 0; fi
    sleep 0.2
  done
  echo "$2 did not become ready at $1 within 120 s; the end of its log ($3):" >&2
  tail -n 20 "$3" >&2 || true
  return 1
}
field() { sed -n "s/^ *$1 *//p" | head -n 1 | cut -d' ' -f1; }

GK_PORT=$(free_port) ADMIN_PORT=$(free_port) HUB_PORT=$(free_port) HUB_METRICS=$(free_port)
WITNESS_PORT=$(free_port) WITNESS_METRICS=$(free_port) MONITOR_PORT=$(free_port)
GK_URL=http://127.0.0.1:$GK_PORT/ HUB_URL=http://127.0.0.1:$HUB_PORT/ WITNESS_URL=http://127.0.0.1:$WITNESS_PORT/

# Secrets and places that differ per host come from the environment, as on a real host
# (docs/OPERATIONS.md): every config key has a KEYHOLE_<PART>_<KEY> variable.
if [ -n "${KEYHOLE_DB:-}" ]; then
  SUFFIX=$(head -c 4 /dev/urandom | od -An -tx1 | tr -d ' \n')
  export KEYHOLE_GATEKEEPER_DATABASE=$KEYHOLE_DB KEYHOLE_GATEKEEPER_DATABASE_SCHEMA=${KEYHOLE_GATEKEEPER_DATABASE_SCHEMA:-kh_gatekeeper_$SUFFIX}
  export KEYHOLE_HUB_DATABASE=$KEYHOLE_DB KEYHOLE_HUB_DATABASE_SCHEMA=${KEYHOLE_HUB_DATABASE_SCHEMA:-kh_hub_$SUFFIX}
fi
if [ -n "${KEYHOLE_BLOBS:-}" ]; then
  export KEYHOLE_HUB_BLOBS_LOCATION=$KEYHOLE_BLOBS
  if [ -n "${AWS_ENDPOINT_URL:-}" ]; then export KEYHOLE_HUB_BLOBS_S3_ENDPOINT=$AWS_ENDPOINT_URL; fi
fi

say "vendor: keyhole hub init"
HUB_KEY=$(keyhole hub init --id "$VENDOR_ID" --config "$VENDOR/hub.yaml" | field 'public key')
say "witness: keyhole witness init"
WITNESS_VKEY=$(keyhole witness init --name witness.example/w1 --config "$WITNESS/witness.yaml" | field vkey)
say "lab: keyhole gatekeeper init"
INIT=$(keyhole gatekeeper init --lab "$LAB_ID" --origin "$LAB_ID.example/keyhole/audit/v1" --config "$LAB/gatekeeper.yaml")
LOG_VKEY=$(field 'log key' <<<"$INIT")
LAB_KEY=$(field 'lab key' <<<"$INIT")
LAB_CONFIG=$LAB/lab.yaml


say "witness: keyhole witness serve"
serve_bg "$WITNESS/serve.out" "$WITNESS/serve.log" witness serve --config "$WITNESS/witness.yaml" --set listen.port="$WITNESS_PORT" \
  --set metrics.port="$WITNESS_METRICS" --set "logs=[{\"origin\":\"$LAB_ID.example/keyhole/audit/v1\",\"vkey\":\"$LOG_VKEY\"}]"
wait_ready "http://127.0.0.1:$WITNESS_METRICS/readyz" witness "$WITNESS/serve.log"

say "lab: keyhole gatekeeper serve (witnessed)"
serve_bg "$LAB/serve.out" "$LAB/serve.log" gatekeeper serve --config "$LAB/gatekeeper.yaml" --set listen.port="$GK_PORT" --set admin.port="$ADMIN_PORT" \
  --set "witnesses=[{\"url\":\"$WITNESS_URL\",\"vkey\":\"$WITNESS_VKEY\"}]" --set quorum=1 --set "workstation.hub=$HUB_URL"
wait_ready "http://127.0.0.1:$GK_PORT/readyz" gatekeeper "$LAB/serve.log"
sed -i "s#^gatekeeper: .*#gatekeeper: http://127.0.0.1:$ADMIN_PORT/#" "$LAB_CONFIG"

say "vendor: keyhole hub lab-add, hub serve"
keyhole hub lab-add --config "$VENDOR/hub.yaml" --lab "$LAB_ID" --signing-key "$LAB_KEY" >&2
serve_bg "$VENDOR/serve.out" "$VENDOR/serve.log" hub serve --config "$VENDOR/hub.yaml" --set listen.port="$HUB_PORT" --set metrics.port="$HUB_METRICS" \
  --set "workstationOrigin=http://127.0.0.1:$GK_PORT"
wait_ready "http://127.0.0.1:$HUB_METRICS/readyz" hub "$VENDOR/serve.log"

say "auditor: keyhole monitor init, monitor"
MONITOR_KEY=$(keyhole monitor init --log "${GK_URL}log/" --vkey "$LOG_VKEY" --name auditor-1 --config "$MONITOR/monitor.yaml" | field 'public key')
keyhole monitor-key auditor-1 --public-key "$MONITOR_KEY" --config "$LAB_CONFIG"
serve_bg "$MONITOR/alerts.jsonl" "$MONITOR/monitor.log" monitor --config "$MONITOR/monitor.yaml" --set listen.port="$MONITOR_PORT" \
  --set "witnesses=[\"$WITNESS_VKEY\"]" --set quorum=1
wait_ready "http://127.0.0.1:$MONITOR_PORT/readyz" monitor "$MONITOR/monitor.log"

say "lab: vendor add, campaign create, ingest"
keyhole vendor add "$VENDOR_ID" --hub-url "$HUB_URL" --hub-key "$HUB_KEY" --budget 100000 --config "$LAB_CONFIG"
keyhole campaign create "$CAMPAIGN" --vendor "$VENDOR_ID" --task "$TASK" --title "separate hosts" --overlap 1 \
  --pace-per-minute 100000 --pace-per-hour 1000000 --max-outstanding 50 --budget 100000 --config "$LAB_CONFIG" >&2
keyhole ingest "$DATASET" --campaign "$CAMPAIGN" --format "$FORMAT" --config "$LAB_CONFIG" --json | tail -n 1 >"$LAB/ingest.json"
ITEMS=$(python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print(r["sealed"] + r["alreadyIngested"])' "$LAB/ingest.json")

say "vendor: $BOTS annotator accounts on the lab's roster"
LOGINS=$WORK/bot-logins.json
python3 - "$BOTS" >"$LOGINS" <<'PY'
import json, secrets, sys
print(json.dumps([{"annotator": f"bot-{i}", "username": f"bot-{i}", "password": secrets.token_urlsafe(12)} for i in range(1, int(sys.argv[1]) + 1)]))
PY
python3 -c 'import json,sys; [print(l["annotator"], l["password"]) for l in json.load(open(sys.argv[1]))]' "$LOGINS" | while read -r id password; do
  KEYHOLE_ANNOTATOR_PASSWORD=$password keyhole hub annotator-add --config "$VENDOR/hub.yaml" --id "$id" --username "$id" --lab "$LAB_ID" >&2
done

say "annotators: $BOTS bots sign in and wait for the lab to approve their devices"
serve_bg "$WORK/bots.json" "$WORK/bots.log" bots --hub "$HUB_URL" --gatekeeper "$GK_URL" --campaign "$CAMPAIGN" --logins "$LOGINS" --skip-rate 0.15
BOTS_PID=${PIDS[-1]}
say "lab: keyhole device list --pending, device approve"
approved=0
for _ in $(seq 600); do
  for device in $(keyhole device list --pending --vendor "$VENDOR_ID" --config "$LAB_CONFIG" | python3 -c 'import json,sys; [print(d["device"]) for d in json.load(sys.stdin) if d["registered"] is not None]'); do
    keyhole device approve "$device" --vendor "$VENDOR_ID" --config "$LAB_CONFIG" >/dev/null
    approved=$((approved + 1))
  done
  [ "$approved" -ge "$BOTS" ] && break
  kill -0 "$BOTS_PID" 2>/dev/null || break
  sleep 0.5
done
wait "$BOTS_PID" || { echo "bots stopped early: $(cat "$WORK/bots.json") $(tail -n 5 "$WORK/bots.log")" >&2; exit 1; }

say "lab: results pull, export, quality"
keyhole results pull --campaign "$CAMPAIGN" --config "$LAB_CONFIG" --json >"$LAB/pull.json"
EXPORT=$LAB/export.$CAMPAIGN.trl.jsonl
[ "$TASK" = ranking ] && EXPORT=$LAB/export.$CAMPAIGN.oasst.jsonl
keyhole export --format "$([ "$TASK" = ranking ] && echo oasst || echo trl)" --campaign "$CAMPAIGN" --out "$EXPORT" --config "$LAB_CONFIG" >&2
keyhole export --format hf --campaign "$CAMPAIGN" --out "$LAB/export-hf" --config "$LAB_CONFIG" >&2
keyhole quality --campaign "$CAMPAIGN" --config "$LAB_CONFIG" --html "$LAB/quality.html" >&2
LABELLED=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["total"]["itemsLabelled"])' "$LAB/pull.json")
keyhole status --config "$LAB_CONFIG" >"$LAB/status.json"

stop_all
trap - EXIT
if [ "$LABELLED" -ne "$ITEMS" ]; then
  echo "only $LABELLED of $ITEMS items were labelled; see $WORK/bots.json and $LAB/pull.json" >&2
  exit 1
fi
printf '{"lab": "%s", "vendor": "%s", "witness": "%s", "log": "%s", "vkey": "%s", "export": "%s", "items": %s, "labelled": %s}\n' \
  "$LAB" "$VENDOR" "$WITNESS" "$LAB/log" "$LOG_VKEY" "$EXPORT" "$ITEMS" "$LABELLED"
