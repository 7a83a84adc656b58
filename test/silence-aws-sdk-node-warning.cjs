// The AWS SDK warns once per process, on Node < 22, that its 2027 releases will need Node 22.
// Tests run on Node 20 (supported) and trigger it in every worker and child process; this is
// the SDK's own switch for that one warning, so every other warning still shows.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";
