// Value formatters for dash-ag-grid, referenced by name from the column definitions.
var dagfuncs = (window.dashAgGridFunctions = window.dashAgGridFunctions || {});

// 1234567 → "1 234 567 $" (fr-CA) or "$1,234,567" (en-CA); unknown → "—" (unknown is not zero).
// Cents only when the amount has cents (62500.5 → "62 500,50 $", never "62 501 $"): the rule of
// components/i18n.money, so the table says what the map, the pages and the sheet say.
dagfuncs.formatMoney = function (value, lang) {
  if (value === null || value === undefined || isNaN(value)) {
    return "—";
  }
  var locale = lang === "en" ? "en-CA" : "fr-CA";
  var digits = Math.round(value * 100) % 100 ? 2 : 0;
  return new Intl.NumberFormat(locale, {
    style: "currency", currency: "CAD", minimumFractionDigits: digits, maximumFractionDigits: digits,
  }).format(value);
};
