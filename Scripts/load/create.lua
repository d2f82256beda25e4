-- wrk: durable creates of sites under Region London (customer 1). TOKEN from the environment.
local token = os.getenv("TOKEN")
math.randomseed(7)
request = function()
  local lat = 51.5 + (math.random() - 0.5) * 0.4
  local lon = -0.12 + (math.random() - 0.5) * 0.6
  local body = string.format('{"name":"Load site","groupId":3,"parentId":2,"location":{"latitude":%.6f,"longitude":%.6f}}', lat, lon)
  return wrk.format("POST", "/v1/contacts",
    { ["Authorization"] = "Bearer " .. token, ["Customer-Id"] = "1", ["Content-Type"] = "application/json" }, body)
end
