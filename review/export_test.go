package review

// ClosedDeals exposes closedDeals to the tests of what the backtest learns.
var ClosedDeals = closedDeals
