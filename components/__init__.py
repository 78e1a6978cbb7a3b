"""What several pages reuse (a page's own parts live beside it in pages/), in rooms named for what they hold:
map/ (the map, however it is drawn), territory/ (one region or MRC as the document pages write it),
own_file/ (a coordinator's spreadsheet in her browser) and words/ (interface words the pages share).

At the top, what every room uses: the data shown (dataset), the view and its address (state, permalink),
component ids (ids), addresses (urls, page_links), number formats and `t()` (i18n), the project table
(table), the frame of the document pages (document) and the steps of a region's presentation
(region_slides, for the presentation mode and the presentation to take away, offline/)."""
