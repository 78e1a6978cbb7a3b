"""Geography layer: builds the app's map layers from official boundary files and answers
"which MRC is this?" questions. Never imports dash."""
