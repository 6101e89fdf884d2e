import { containsUnmaskedKeyId, maskAccessKeyId, maskSecrets } from "../../gates/mask";

describe("maskAccessKeyId", () => {
  it.each([
    ["AKIAIOSFODNN7EXAMPLE", "****************MPLE"],
    ["ASIAY34FZKBOKMUTVV7A", "****************VV7A"],
    ["WXYZ", "****"],
    ["", ""],
  ])("%s -> %s", (id, masked) => expect(maskAccessKeyId(id)).toBe(masked));
});

describe("maskSecrets", () => {
  it.each([
    ["key AKIAIOSFODNN7EXAMPLE is old", "key ****************MPLE is old"],
    ["session=ASIAY34FZKBOKMUTVV7A;", "session=****************VV7A;"],
    ["user id AIDACKCEVSQ6C2EXAMPLE", "user id *****************MPLE"],
    ["role AROA1234567890ABCDEF", "role ****************CDEF"],
    ['{"id":"AKIA0123456789ABCDEF"}', '{"id":"****************CDEF"}'],
    ["glued idAKIAIOSFODNN7EXAMPLE", "glued id****************MPLE"],
    ["AKIAIOSFODNN7EXAMPLE,AKIAI44QH8DHBEXAMPLE", "****************MPLE,****************MPLE"],
    ["no ids: CONFIG_EVALUATIONS_EMPTY IAM.4 123456789012 AKIA-short", "no ids: CONFIG_EVALUATIONS_EMPTY IAM.4 123456789012 AKIA-short"],
  ])("%s", (text, masked) => {
    expect(maskSecrets(text)).toBe(masked);
    expect(containsUnmaskedKeyId(maskSecrets(text))).toBe(false);
  });
  it("detects what it would mask", () => {
    expect(containsUnmaskedKeyId("x AKIAIOSFODNN7EXAMPLE")).toBe(true);
    expect(containsUnmaskedKeyId("x ****************MPLE")).toBe(false);
  });
});
