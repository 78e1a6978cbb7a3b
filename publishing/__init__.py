"""Publishing: each Alliance publishes its own projects, reviewed, versioned, in a database.

- `db`: the only module that reaches the database (models, engine, migrations, data version);
- `territory`: whether a row lies in an Alliance's territory;
- `difference`: a submission compared with the Alliance's published version;
- `store`: submit, approve, send back, withdraw; every write journaled;
- `accounts`: passwords, invitations, users;
- `dataset`: the public projects = curated CSV rows + each Alliance's current version.

Nothing here imports `dash`; the web pages are in `web/publish/`.
"""
