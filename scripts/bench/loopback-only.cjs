// Preload (`node --require`): a server that listens without naming a host binds 127.0.0.1
// instead of every interface. The benchmarks start the Portkey gateway with it, which has
// a port flag but no host flag, so nothing in the benchmark is reachable off the machine.
const net = require("node:net");

const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function (...args) {
  if (typeof args[0] === "number" || (typeof args[0] === "string" && /^\d+$/.test(args[0]))) {
    if (args[1] === undefined || args[1] === null || typeof args[1] === "function") {
      if (args.length > 1 && (args[1] === undefined || args[1] === null)) args[1] = "127.0.0.1";
      else args.splice(1, 0, "127.0.0.1");
    }
  } else if (args[0] && typeof args[0] === "object" && args[0].port !== undefined && !args[0].host && !args[0].path) {
    args[0] = { ...args[0], host: "127.0.0.1" };
  }
  return listen.apply(this, args);
};
