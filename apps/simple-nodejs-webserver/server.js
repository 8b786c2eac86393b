// The course's simple_nodejs_webserver: answers every request with the name
// of the pod that served it and logs the request, so that the load test's
// spread over the Deployment's replicas shows in `kubectl logs`.
const http = require('node:http');
const os = require('node:os');

// In a pod, the hostname is the pod's name.
const name = process.env.POD_NAME || os.hostname();
const port = Number(process.env.PORT || 8080);

const server = http.createServer((req, res) => {
  console.log(`${new Date().toISOString()} ${req.socket.remoteAddress} ${req.method} ${req.url}`);
  res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' });
  res.end(`Hello from ${name}\n`);
});

server.listen(port, () => console.log(`simple-nodejs-webserver ${name} listening on ${port}`));

// A pod is stopped with SIGTERM: finish what is in flight, then exit.
process.on('SIGTERM', () => server.close(() => process.exit(0)));
