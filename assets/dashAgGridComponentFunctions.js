// Cell renderers for dash-ag-grid. Text is always rendered as text (React escapes it); a link is
// made only from an http(s) address, so a crafted "javascript:" source can never become a link.
var dagcomponentfuncs = (window.dashAgGridComponentFunctions = window.dashAgGridComponentFunctions || {});

dagcomponentfuncs.SourceLink = function (props) {
  var url = props.value;
  if (typeof url !== "string" || !/^https?:\/\//i.test(url)) {
    return React.createElement("span", null, "—");
  }
  var label = document.documentElement.lang === "en" ? "source" : "source";
  return React.createElement("a", { href: url, target: "_blank", rel: "noopener noreferrer", title: url }, label);
};
