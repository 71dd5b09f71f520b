-- GET /api/v1/invoices/{id}, id uniform over the seeded invoices.
package.path = os.getenv("BENCH_DIR") .. "/wrk/?.lua;" .. package.path
local c = require("common")
local lo, hi = c.env_int("ID_MIN"), c.env_int("ID_MAX")
function init(args) c.seed() end
function request()
  return wrk.format("GET", "/api/v1/invoices/" .. math.random(lo, hi), c.headers)
end
