"""The interface's words: one gettext catalog per language (texts/locale/<lang>/LC_MESSAGES/messages.po),
read through Babel, and long prose in Markdown per language (texts/prose/<lang>/). No module of the
app writes a French or English sentence itself: it names a message and this package finds its words.
"""
