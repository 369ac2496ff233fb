/** Floor 1 of the cold-start table: a handler that does nothing (what Node and the event cost). */
export const handler = async () => ({
  statusCode: 200,
  headers: { 'content-type': 'application/json' },
  body: '{"hello":"world"}',
});
