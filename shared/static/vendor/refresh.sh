#!/usr/bin/env bash
# Refresh the vendored API-docs assets from the npm registry (npm pack; no install, no build).
#   shared/static/vendor/refresh.sh [SWAGGER_UI_VERSION] [ASYNCAPI_REACT_VERSION]
# Then update the versions in VENDORED.md and run tests/integration/test_offline_docs.py.
set -euo pipefail
SWAGGER=${1:-5.32.2}
ASYNCAPI=${2:-3.1.5}
HERE="$(cd "$(dirname "$0")" && pwd)"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"
npm pack --silent "swagger-ui-dist@$SWAGGER" "@asyncapi/react-component@$ASYNCAPI" >/dev/null
mkdir swagger asyncapi
tar -xzf "swagger-ui-dist-$SWAGGER.tgz" -C swagger
tar -xzf "asyncapi-react-component-$ASYNCAPI.tgz" -C asyncapi
rm -rf "$HERE/swagger-ui" "$HERE/asyncapi"
mkdir -p "$HERE/swagger-ui" "$HERE/asyncapi"
cp swagger/package/{swagger-ui-bundle.js,swagger-ui-bundle.js.LICENSE.txt,swagger-ui.css,favicon-32x32.png,LICENSE,NOTICE} \
   "$HERE/swagger-ui/"
cp asyncapi/package/browser/standalone/{index.js,index.js.LICENSE.txt} "$HERE/asyncapi/"
cp asyncapi/package/styles/default.min.css asyncapi/package/LICENSE "$HERE/asyncapi/"
# The bundles carry a sourceMappingURL comment to a file we do not ship: drop it (no 404 in the console).
sed -i '/^\/\/# sourceMappingURL=/d' "$HERE/swagger-ui/swagger-ui-bundle.js" "$HERE/asyncapi/index.js"
sed -i 's#/\*\# sourceMappingURL=[^*]*\*/##' "$HERE/swagger-ui/swagger-ui.css" "$HERE/asyncapi/default.min.css"
sha256sum "$HERE"/swagger-ui/* "$HERE"/asyncapi/* | sed "s#$HERE/##"
