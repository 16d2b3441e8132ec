-- GET <path with {s}>: {s} = "active" plus the n-th subset of the other ten status codes, n counting up in each
-- thread from a random start: 1,024 distinct searches in turn, more than the result cache keeps (512), so none is
-- answered from it. Each matches at least the active studies.
local others = { "administratively-completed", "approved", "closed-to-accrual", "closed-to-accrual-and-intervention",
  "completed", "disapproved", "in-review", "temporarily-closed-to-accrual",
  "temporarily-closed-to-accrual-and-intervention", "withdrawn" }
local template, n = "", 0
function init(args)
  template = args[1]
  math.randomseed(os.time() + (tonumber(tostring({}):match("0x(%x+)"), 16) or 0))
  n = math.random(0, 1023)
end
function request()
  n = (n + 1) % 1024
  local codes = { "active" }
  for i = 1, #others do
    if math.floor(n / 2 ^ (i - 1)) % 2 == 1 then codes[#codes + 1] = others[i] end
  end
  return wrk.format("GET", (template:gsub("{s}", table.concat(codes, ","))))
end
