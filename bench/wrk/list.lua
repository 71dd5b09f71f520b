-- GET /api/v1/invoices?page=P&per_page=20, P uniform in 1..10 (the default sort,
-- created_at), with the pagination meta and Link header every list answers.
package.path = os.getenv("BENCH_DIR") .. "/wrk/?.lua;" .. package.path
local c = require("common")
function init(args) c.seed() end
function request()
  return wrk.format("GET", "/api/v1/invoices?page=" .. math.random(1, 10) .. "&per_page=20",
                    c.headers)
end
