#!/usr/bin/env bash
# Builds the OCI Functions images from dist/oci/<fn> (func.js, func.yaml, package.json,
# config.conf: `npm run build` writes them) with the Fn CLI, and pushes each one under the
# reference the synthesized oci stack uses (its "images" output in
# infra/cdktf.out/stacks/oci/cdk.tf.json), so tag, registry, namespace and repository
# names cannot drift from what the functions will pull.
#
# Order: synth (npm run synth, or any cdktf deploy) → this script → deploy. The
# repositories must exist: deploy once with OCIAI_OCI_BOOTSTRAP=1 first. Needs Docker, the
# Fn CLI and `docker login <registry>` with an auth token. If the namespace is a Terraform
# variable in the synthesized stack, export TF_VAR_namespace (or OCIAI_OCI_NAMESPACE).
set -euo pipefail

root="$(cd "$(dirname "$0")/../.." && pwd)"
stack_json="$root/infra/cdktf.out/stacks/oci/cdk.tf.json"
[ -f "$stack_json" ] || { echo "no $stack_json: run npm run synth first" >&2; exit 1; }

image_ref() {
  node -e '
    const [file, fn] = process.argv.slice(1);
    const ref = JSON.parse(require("fs").readFileSync(file, "utf8")).output.images.value[fn];
    const namespace = process.env.TF_VAR_namespace || process.env.OCIAI_OCI_NAMESPACE;
    const resolved = namespace ? ref.split("${var.namespace}").join(namespace) : ref;
    if (resolved.includes("${")) { console.error(`cannot resolve ${ref}: export TF_VAR_namespace`); process.exit(1); }
    console.log(resolved);
  ' "$stack_json" "$1"
}

for fn in chat models health-check test-oci; do
  dir="$root/dist/oci/$fn"
  [ -f "$dir/func.yaml" ] || { echo "missing $dir/func.yaml: run npm run build first" >&2; exit 1; }
  image="$(image_ref "$fn")"
  # fn build tags the image <FN_REGISTRY>/<name>:<version>, name and version from func.yaml.
  name="$(sed -n 's/^name:[[:space:]]*//p' "$dir/func.yaml" | tr -d "\"'\r")"
  version="$(sed -n 's/^version:[[:space:]]*//p' "$dir/func.yaml" | tr -d "\"'\r")"
  echo "== $fn: building $dir"
  (cd "$dir" && FN_REGISTRY=ociai-local fn --verbose build)
  docker tag "ociai-local/$name:$version" "$image"
  echo "== $fn: pushing $image"
  docker push "$image"
done
