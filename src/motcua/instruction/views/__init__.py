"""Back office pages (one module per area): `inbox` (the workspace and the dossier inbox),
`dossier_page` (the staff dossier page and the helpers its actions share), `actions` (reception,
supplement, decision, delivery, messages), `opinions` (asking an expert; the expert's page),
`annotations` (the internal annotations section and its form), `result_signing` (signing the
result again after a failure), `exports` (the export page, column templates, "My exports"),
`jobs` (the page of a background job: progress, failures, download).

Every view is wrapped in `accounts.decorators.staff_required`, except the expert's opinion page,
reached by the token of an e-mailed link. Reads go through instruction.selectors (scoped to the
user's agencies: anything else is a 404), writes through the services; each action is a POST that
redirects with a message on success, or shows the page again with the errors next to the fields
(400; 409 when the dossier moved on meanwhile), nothing typed lost.
"""
