#!/usr/bin/env bash
# A look at a fleet in one command (./shubbak fleet-demo): the portal on its embedded SQLite store
# with its admin console, a demo admin account, and shubbak-fleet-sim's kiosks (a few dozen, some
# out of paper, some going dark) heartbeating and sending transactions to it. Prints the
# console's address and sign-in; Ctrl-C stops everything it started.
#   fleet_demo.sh BUILD_DIR [KIOSKS]
set -euo pipefail
build=$(cd "${1:?usage: fleet_demo.sh BUILD_DIR [KIOSKS]}" && pwd)
kiosks=${2:-36}
portal_bin=$build/provisioning/portal/shubbak-portal
sim_bin=$build/provisioning/fleet_sim/shubbak-fleet-sim
dir=$build/fleet-demo
mkdir -p "$dir"
cd "$dir"

# A throw-away CA (kiosks' and the server's), made once and kept with the demo's database.
if [[ ! -f ca.pem ]]; then
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 365 \
    -subj /CN=shubbak-fleet-demo-ca -keyout ca.key -out ca.pem 2>/dev/null
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=localhost \
    -keyout server.key -out server.csr 2>/dev/null
  openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -days 365 -out server.pem \
    -extfile <(printf 'subjectAltName=DNS:localhost,IP:127.0.0.1') 2>/dev/null
fi
# The services the portal publishes, signed (one root key here; a real repository has several):
# the console compares each kiosk's installed services with them.
if [[ ! -d published ]]; then
  shubbakctl=$build/provisioning/shubbakctl/shubbakctl
  services=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../assets/services" && pwd)
  repo() { "$shubbakctl" repo --repo repo --keys repo-keys "$@" >/dev/null; }
  repo init --root-keys 1 --root-threshold 1
  repo delegate --name jordan-health --path 'services/jordan-health/*'
  repo add --file "$services/jordan.health.appointment.json" \
    --name services/jordan-health/appointment.json --role jordan-health
  repo delegate --name muscat-municipality --path 'services/muscat-municipality/*'
  repo add --file "$services/muscat.municipality.fees.json" \
    --name services/muscat-municipality/fees.json --role muscat-municipality
  repo publish --out published
fi
password_file=admin-password.txt
if [[ ! -f $password_file ]]; then
  password=$(openssl rand -base64 15)
  printf '%s\n' "$password" | "$portal_bin" admin add --db portal.db --user admin --role operator
  printf '%s\n' "$password" >"$password_file"
  chmod 600 "$password_file"
fi

pids=()
stop() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap stop EXIT INT TERM

# Simulated kiosks all come from 127.0.0.1: the per-address limit is raised for them.
"$portal_bin" --cert server.pem --key server.key --client-ca ca.pem --client-ca-key ca.key \
  --db portal.db --static published --port 0 --console-port 0 --console-offline-seconds 60 \
  --console-refresh-seconds 10 --max-connections-per-address 256 >portal.out 2>portal.log &
pids+=($!)
portal_url='' console_url=''
for _ in $(seq 1 500); do
  portal_url=$(sed -n 's/^listening on //p' portal.out)
  console_url=$(sed -n 's/^console on //p' portal.out)
  [[ -n $portal_url && -n $console_url ]] && break
  sleep 0.02
done
[[ -n $console_url ]] || { cat portal.log >&2; echo "fleet-demo: the portal did not start" >&2; exit 1; }

"$sim_bin" --portal "$portal_url" --server-ca ca.pem --kiosk-ca ca.pem --kiosk-ca-key ca.key \
  --state kiosks --kiosks "$kiosks" --tx-rate 0.05 --batch 1 --heartbeat-seconds 15 \
  --duration 86400 --threads 8 --paper-out 0.1 --paper-low 0.1 --dark 0.1 --dark-after 90 \
  --behind 0.1 --clock-skew 0.05 --queue-growing 0.05 \
  >sim.out 2>sim.log &
pids+=($!)

cat <<TEXT
Shubbak fleet demo: $kiosks simulated kiosks on $portal_url
  console:   $console_url  (a throw-away CA: accept its certificate, or import $dir/ca.pem)
  sign in:   admin / $(cat "$password_file")
  about 10% of the kiosks are out of paper, 10% low on paper, and 10% go dark after 90 s;
  the board turns them amber and red. A tenth run an older health service than the one
  published, a few have a clock 12 minutes ahead or an outbox that keeps growing: see the
  alerts page. Logs: $dir/portal.log, $dir/sim.log. Ctrl-C stops.
TEXT
wait "${pids[0]}"
