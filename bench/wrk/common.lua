-- Shared by the wrk scripts: the token and the id ranges come from the environment
-- (bench/run.sh sets them), each thread gets its own random sequence.
local M = {}

M.token = os.getenv("TOKEN")
M.headers = {
  ["Authorization"] = "Bearer " .. M.token,
  ["Content-Type"] = "application/json",
  ["Accept"] = "application/json",
}

local counter = 0
function M.seed()
  counter = counter + 1
  math.randomseed(os.time() * 1000 + counter * 7919 + math.floor(os.clock() * 1e6))
end

function M.env_int(name)
  return tonumber(os.getenv(name))
end

return M
