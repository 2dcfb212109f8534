// The types and routing of this module are generated from openapi.yaml (a link to the
// repository's root file) by swift-openapi-generator at build time; see
// openapi-generator-config.yaml. Nothing here is written by hand but this re-export.
@_exported import OpenAPIRuntime
