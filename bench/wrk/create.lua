-- POST /api/v1/invoices: 5 items, one tax, a 5 % discount, for a random customer.
package.path = os.getenv("BENCH_DIR") .. "/wrk/?.lua;" .. package.path
local c = require("common")
local customers = {}
for id in string.gmatch(os.getenv("CUSTOMER_IDS"), "%d+") do
  customers[#customers + 1] = id
end
local body = os.getenv("CREATE_BODY")
function init(args) c.seed() end
function request()
  local b = string.gsub(body, "CUSTOMER_ID", customers[math.random(1, #customers)])
  return wrk.format("POST", "/api/v1/invoices", c.headers, b)
end
