#!/usr/bin/env bash
# Puts the Kubernetes JSON schemas for one Kubernetes version in
# ${TRIBUTARY_CACHE_DIR:-~/.cache/tributary}/kube-schemas-<package version>/v<kube>-local-strict/
# and prints the folder above it, for kubeconform's -schema-location:
#
#   schemas="$(infra/scripts/install-kube-schemas.sh 1.36.0)"
#   kubeconform -strict -kubernetes-version 1.36.0 \
#     -schema-location "$schemas/{{.NormalizedKubernetesVersion}}-local{{.StrictSuffix}}/{{.ResourceKind}}{{.KindSuffix}}.json" ...
#
# The schemas come from the kubernetes-validate package on PyPI (fetched with pip, once, cached),
# which ships them per Kubernetes version: one <kind>-<group>-<version>.json per kind, with
# references into a shared _definitions.json. Those references are absolute
# ("/api/_definitions.json#...") under an https $id; they are rewritten to the file beside them,
# so kubeconform resolves them locally and needs no network. Only the core API kinds are there:
# CRDs (KEDA, the Prometheus Operator) are not.
set -euo pipefail

kube="${1:-1.36.0}"
package_version="${KUBE_SCHEMAS_VERSION:-1.37.0}"   # kubernetes-validate: schemas up to Kubernetes 1.37
cache="${TRIBUTARY_CACHE_DIR:-$HOME/.cache/tributary}"
dir="$cache/kube-schemas-$package_version"
target="$dir/v$kube-local-strict"

if [[ -f "$target/_definitions.json" ]]; then
  echo "$dir"
  exit 0
fi
command -v python3 >/dev/null 2>&1 || { echo "install-kube-schemas: python3 with pip is needed" >&2; exit 1; }

mkdir -p "$cache"
work="$(mktemp -d "$cache/.kube-schemas-$package_version.XXXXXX")"
trap 'rm -rf "$work"' EXIT
echo "install-kube-schemas: fetching kubernetes-validate $package_version with pip (once)" >&2
python3 -m pip download --quiet --no-deps --only-binary=:all: --dest "$work" \
  "kubernetes-validate==$package_version" >&2
python3 - "$work"/kubernetes_validate-*.whl "v$kube-local-strict" "$work/out" <<'PY'
import json, os, sys, zipfile

wheel, folder, out = sys.argv[1:]
prefix = f"kubernetes_validate/kubernetes-json-schema/{folder}/"
os.makedirs(out)
count = 0
with zipfile.ZipFile(wheel) as z:
    for name in z.namelist():
        if not (name.startswith(prefix) and name.endswith(".json")):
            continue
        text = z.read(name).decode().replace('"/api/_definitions.json#', '"_definitions.json#')
        doc = json.loads(text)
        if isinstance(doc, dict):
            doc.pop("$id", None)  # so references resolve against the file, not https://kubernetes.io
        with open(os.path.join(out, name[len(prefix):]), "w") as f:
            json.dump(doc, f)
        count += 1
if count == 0:
    sys.exit(f"install-kube-schemas: {wheel} has no {folder} schemas")
PY
mkdir -p "$dir"
rm -rf "$target"
mv "$work/out" "$target"
echo "$dir"
