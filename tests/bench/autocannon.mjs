// The load generator for tests/bench/load.ts, in a process of its own so it does not share the
// gateway's event loop. Each connection keeps to one of the given paths (connection i takes path
// i mod n), so writes spread over several orgs instead of racing on one item.
//   node autocannon.mjs '<json: {url, paths, method, headers, body, connections, duration}>'
import autocannon from 'autocannon';

const options = JSON.parse(process.argv[2]);
let next = 0;
const result = await autocannon({
  url: options.url,
  connections: options.connections,
  duration: options.duration,
  headers: options.headers,
  requests: [
    {
      method: options.method,
      ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
      setupRequest: (req, context) => {
        context.path ??= options.paths[next++ % options.paths.length];
        return { ...req, path: context.path };
      },
    },
  ],
});
console.log(JSON.stringify(result));
