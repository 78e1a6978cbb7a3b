"""Interface words several pages share: the wordings of the document pages (page_text), the long texts
written in Markdown, made into components (prose), and the words Dash writes inside a dropdown (dropdowns).
Number formats and `t()` stay in components/i18n.py: every room uses them, words or not."""
