#!/usr/bin/env bash
# Puts the JSON schemas of the custom resource kinds the chart renders (KEDA's ScaledObject and
# TriggerAuthentication, the Prometheus Operator's ServiceMonitor and PrometheusRule) in
# ${TRIBUTARY_CACHE_DIR:-~/.cache/tributary}/crd-schemas-keda-<v>-prometheus-operator-<v>-<converter>/
# as <group>/<kind>_<version>.json, and prints that folder, for kubeconform's -schema-location:
#
#   crds="$(infra/scripts/install-crd-schemas.sh "$infra_check")"
#   kubeconform -strict ... -schema-location "$crds/{{.Group}}/{{.ResourceKind}}_{{.ResourceAPIVersion}}.json"
#
# The argument is an infra-check binary (check-infra.sh builds it); its crd-schemas command does
# the conversion. The CRDs are the projects' own YAML at pinned releases, taken from their Go
# modules (`go mod download`: the Go module proxy serves each release's source, CRDs included);
# each version's openAPIV3Schema becomes a JSON schema in which an object refuses fields it does
# not list, so kubeconform -strict fails a misspelt field as it does for the built-in kinds.
# Cached by the two versions and the converter's source; needs Go and no other network.
set -euo pipefail

infra_check="${1:?usage: install-crd-schemas.sh <infra-check binary>}"
keda_version="${KEDA_VERSION:-v2.21.0}"
prometheus_operator_version="${PROMETHEUS_OPERATOR_VERSION:-v0.85.0}"
# The kinds check-infra.sh validates: a kind the chart starts to render is added here.
keda_crds=(keda.sh_scaledobjects.yaml keda.sh_triggerauthentications.yaml)
prometheus_operator_crds=(monitoring.coreos.com_servicemonitors.yaml monitoring.coreos.com_prometheusrules.yaml)

cache="${TRIBUTARY_CACHE_DIR:-$HOME/.cache/tributary}"
converter="$(sha256sum "$(dirname "$0")/infra-check/crdschemas.go" | cut -c1-8)"
dir="$cache/crd-schemas-keda-$keda_version-prometheus-operator-$prometheus_operator_version-$converter"
if [[ -f "$dir/keda.sh/scaledobject_v1alpha1.json" && -f "$dir/monitoring.coreos.com/prometheusrule_v1.json" ]]; then
  echo "$dir"
  exit 0
fi
command -v go >/dev/null 2>&1 || { echo "install-crd-schemas: Go is needed to download the CRDs from the Go module proxy" >&2; exit 1; }

mkdir -p "$cache"
work="$(mktemp -d "$cache/.crd-schemas.XXXXXX")"
trap 'rm -rf "$work"' EXIT

# module_dir MODULE@VERSION: downloads one module into the Go module cache, prints its folder.
module_dir() {
  local info
  echo "install-crd-schemas: fetching $1 from the Go module proxy (once)" >&2
  # Outside any go.mod, so the download is the module alone.
  info="$(cd "$work" && go mod download -json "$1")" || { echo "$info" >&2; return 1; }
  sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p' <<< "$info"
}
keda="$(module_dir "github.com/kedacore/keda/v2@$keda_version")"
prometheus_operator="$(module_dir "github.com/prometheus-operator/prometheus-operator@$prometheus_operator_version")"
[[ -d "$keda" && -d "$prometheus_operator" ]] || { echo "install-crd-schemas: a module download gave no folder" >&2; exit 1; }

files=()
for f in "${keda_crds[@]}"; do files+=("$keda/config/crd/bases/$f"); done
for f in "${prometheus_operator_crds[@]}"; do files+=("$prometheus_operator/example/prometheus-operator-crd/$f"); done
"$infra_check" crd-schemas "$work/out" "${files[@]}" >&2
rm -rf "$dir"
mv "$work/out" "$dir"
echo "$dir"
