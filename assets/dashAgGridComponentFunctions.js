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

// « Signaler une erreur »: the public form (/signaler, written on the server) about this row's project,
// with the page it is on. The id and the page are checked again by the server.
dagcomponentfuncs.ReportLink = function (props) {
  var id = props.value;
  if (typeof id !== "string" || !id) {
    return null;
  }
  var page = window.location.pathname + window.location.search;
  if (page.length > 900) {
    page = window.location.pathname;  // the server takes at most 1 000 characters of page address
  }
  var lang = document.documentElement.lang === "en" ? "en" : "fr";
  var query = "page=" + encodeURIComponent(page) + "&projet=" + encodeURIComponent(id) + (lang === "en" ? "&lang=en" : "");
  return React.createElement("a", { href: "/signaler?" + query, className: "report-link" }, props.label || "Signaler");
};

// « Suivi »: the project's status, actual end date and people reached (text), and its report when http(s).
dagcomponentfuncs.FollowUp = function (props) {
  var text = typeof props.value === "string" && props.value ? props.value : null;
  var url = props.data && typeof props.data.report === "string" ? props.data.report : "";
  var link = null;
  if (/^https?:\/\//i.test(url)) {
    link = React.createElement("a", { href: url, target: "_blank", rel: "noopener noreferrer", title: url },
                               typeof props.report === "string" ? props.report : "report");
  }
  if (!text && !link) {
    return React.createElement("span", null, "—");
  }
  return React.createElement("span", null, text, text && link ? " · " : null, link);
};
