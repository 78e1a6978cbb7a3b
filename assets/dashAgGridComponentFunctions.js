// Cell renderers for dash-ag-grid. Text is always rendered as text (React escapes it); a link is
// made only from an http(s) address, so a crafted "javascript:" source can never become a link.
var dagcomponentfuncs = (window.dashAgGridComponentFunctions = window.dashAgGridComponentFunctions || {});

dagcomponentfuncs.SourceLink = function (props) {
  var url = props.value;
  // A project an Alliance published: « Publié par …, date (version N) », with the public source too when known.
  var publication = props.data && typeof props.data.publication === "string" ? props.data.publication : null;
  var link = null;
  if (typeof url === "string" && /^https?:\/\//i.test(url)) {
    link = React.createElement("a", { href: url, target: "_blank", rel: "noopener noreferrer", title: url }, "source");
  }
  if (publication) {
    return React.createElement("span", { title: publication }, link, link ? " · " : null, publication);
  }
  return link || React.createElement("span", null, "—");
};
