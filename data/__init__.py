"""Funding data: curated sourced records, validation at the load boundary, the spreadsheet
importer and pure-pandas aggregations. Never imports dash."""
