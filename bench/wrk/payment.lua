-- POST /api/v1/invoices/{id}/payments of 0.01 against a random seeded invoice (each owes
-- 273,125.00, so none runs out).
package.path = os.getenv("BENCH_DIR") .. "/wrk/?.lua;" .. package.path
local c = require("common")
local lo, hi = c.env_int("ID_MIN"), c.env_int("ID_MAX")
local body = '{"payment": {"amount": "0.01", "payment_method": "bank_transfer"}}'
function init(args) c.seed() end
function request()
  return wrk.format("POST", "/api/v1/invoices/" .. math.random(lo, hi) .. "/payments",
                    c.headers, body)
end
