-- wrk: durable creates of sites under Region London (customer 1). TOKEN from the environment.
-- By default the sites go into the sample data's group 3 under parent 2; GROUP_ID and PARENT_ID
-- choose others (PARENT_ID empty: no parent), as the store benchmark does on its own data.
local token = os.getenv("TOKEN")
local group = os.getenv("GROUP_ID") or "3"
local parent = os.getenv("PARENT_ID") or "2"
local parentMember = parent == "" and "" or (',"parentId":' .. parent)
math.randomseed(7)
request = function()
  local lat = 51.5 + (math.random() - 0.5) * 0.4
  local lon = -0.12 + (math.random() - 0.5) * 0.6
  local body = string.format('{"name":"Load site","groupId":%s%s,"location":{"latitude":%.6f,"longitude":%.6f}}',
    group, parentMember, lat, lon)
  return wrk.format("POST", "/v1/contacts",
    { ["Authorization"] = "Bearer " .. token, ["Customer-Id"] = "1", ["Content-Type"] = "application/json" }, body)
end
