// The load generator for tests/bench/load.ts, in a process of its own so it does not share the
// gateway's event loop. Each connection keeps to one of the given paths (connection i takes path
// i mod n), so writes spread over several orgs instead of racing on one item. Set per client:
// autocannon clears a request's context after every request, so a path kept there moves on.
//   node autocannon.mjs '<json: {url, paths, method, headers, body, connections, duration}>'
import autocannon from 'autocannon';

const options = JSON.parse(process.argv[2]);
let next = 0;
const result = await autocannon({
  url: options.url,
  connections: options.connections,
  duration: options.duration,
  headers: options.headers,
  setupClient: (client) => {
    client.setRequests([
      {
        method: options.method,
        path: options.paths[next++ % options.paths.length],
        headers: options.headers,
        ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
      },
    ]);
  },
});
console.log(JSON.stringify(result));
