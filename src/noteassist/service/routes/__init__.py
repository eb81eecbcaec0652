"""The API's routes, one module per resource; each route is thin: parse, call noteassist.app, shape the answer."""
