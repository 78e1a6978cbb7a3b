"""A coordinator's own spreadsheet, in her browser session only (the server keeps nothing): its upload
and validation on the map (upload), and « Données publiques / Mon fichier » on the pages she presents
from (own_data)."""
