// Value formatters for dash-ag-grid, referenced by name from the column definitions.
var dagfuncs = (window.dashAgGridFunctions = window.dashAgGridFunctions || {});

// 1234567 → "1 234 567 $" (fr-CA) or "$1,234,567" (en-CA); unknown → "—" (unknown is not zero).
dagfuncs.formatMoney = function (value, lang) {
  if (value === null || value === undefined || isNaN(value)) {
    return "—";
  }
  var locale = lang === "en" ? "en-CA" : "fr-CA";
  return new Intl.NumberFormat(locale, { style: "currency", currency: "CAD", maximumFractionDigits: 0 }).format(value);
};
