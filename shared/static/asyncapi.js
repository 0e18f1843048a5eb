// The AsyncAPI viewer for this service's events; the document is read from the service as JSON.
(function () {
  "use strict";
  var root = document.getElementById("asyncapi");
  fetch(root.getAttribute("data-document-url"), { headers: { Accept: "application/json" } })
    .then(function (response) { return response.text(); })
    .then(function (schema) {
      window.AsyncApiStandalone.render(
        {
          schema: schema,
          config: {
            show: { sidebar: true, info: true, servers: true, operations: true, messages: true, schemas: true, errors: true },
            expand: { messageExamples: true },
            sidebar: { showServers: "byDefault", showOperations: "byDefault" }
          }
        },
        root
      );
    });
})();
