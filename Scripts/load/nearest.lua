-- wrk: nearest-10 queries at random points around London, Paris and New York (customer 1).
-- TOKEN comes from the environment.
local token = os.getenv("TOKEN")
local centres = { {51.5074, -0.1278}, {48.8566, 2.3522}, {40.7128, -74.0060} }
math.randomseed(42)
request = function()
  local c = centres[math.random(#centres)]
  local lat = c[1] + (math.random() - 0.5) * 0.4
  local lon = c[2] + (math.random() - 0.5) * 0.6
  local path = string.format("/v1/contacts/nearest?latitude=%.5f&longitude=%.5f&count=10", lat, lon)
  return wrk.format("GET", path, { ["Authorization"] = "Bearer " .. token, ["Customer-Id"] = "1" })
end
