#!/usr/bin/env bash
# Builds the OCI Functions images from dist/oci/<fn> (func.js, config.conf, the Dockerfile
# and .dockerignore `npm run build` writes) and pushes each one under the reference the
# synthesized oci stack uses (its "images" output in infra/cdktf.out/stacks/oci/cdk.tf.json),
# for the platform of the application's shape ("image_platform" output), so tag,
# registry, namespace, repository and architecture cannot drift from what the functions pull.
#
# This is what `fn build` does for `runtime: docker` (docker build of the function folder
# with its own Dockerfile); plain docker is used so no Fn CLI is needed.
#
# Order: npm run build → synth (npm run synth, or any cdktf deploy) → this script → deploy.
# The repositories must exist: deploy once with OCIAI_OCI_BOOTSTRAP=1 first. Needs Docker
# (buildx for a platform other than this machine's) and `docker login <registry>` with an
# auth token. If the namespace is a Terraform variable in the synthesized stack, export
# TF_VAR_namespace (or OCIAI_OCI_NAMESPACE).
set -euo pipefail

root="$(cd "$(dirname "$0")/../.." && pwd)"
stack_json="${CDKTF_OUTDIR:-$root/infra/cdktf.out}/stacks/oci/cdk.tf.json"
dist="${OCIAI_DIST_DIR:-$root/dist}"
[ -f "$stack_json" ] || { echo "no $stack_json: run npm run synth first" >&2; exit 1; }

output() {
  node -e '
    const [file, name, fn] = process.argv.slice(1);
    const value = JSON.parse(require("fs").readFileSync(file, "utf8")).output[name].value;
    const ref = fn ? value[fn] : value;
    const namespace = process.env.TF_VAR_namespace || process.env.OCIAI_OCI_NAMESPACE;
    const resolved = namespace ? ref.split("${var.namespace}").join(namespace) : ref;
    if (resolved.includes("${")) { console.error(`cannot resolve ${ref}: export TF_VAR_namespace`); process.exit(1); }
    console.log(resolved);
  ' "$stack_json" "$@"
}

platform="$(output image_platform)"
for fn in chat models health-check test-oci; do
  dir="$dist/oci/$fn"
  [ -f "$dir/Dockerfile" ] || { echo "missing $dir/Dockerfile: run npm run build first" >&2; exit 1; }
  image="$(output images "$fn")"
  echo "== $fn: building $image for $platform"
  if [[ "$platform" == *,* ]]; then
    # Several architectures (GENERIC_X86_ARM): buildx builds and pushes one multi-arch image.
    docker buildx build --platform "$platform" --tag "$image" --push "$dir"
  else
    docker build --platform "$platform" --tag "$image" "$dir"
    docker push "$image"
  fi
done
