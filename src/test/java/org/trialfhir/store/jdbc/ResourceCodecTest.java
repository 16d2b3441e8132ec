package org.trialfhir.store.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Dropping the narrative from stored JSON before an index parses it: only the top-level member goes. */
class ResourceCodecTest {

  @Test
  void withoutMemberDropsOnlyTheTopLevelMember() {
    // In the middle, as HAPI writes it; quotes, braces and "text": inside strings do not confuse it.
    assertEquals("{\"resourceType\":\"Group\",\"id\":\"g\",\"actual\":false}",
        ResourceCodec.withoutMember("{\"resourceType\":\"Group\",\"id\":\"g\",\"text\":{\"status\":\"generated\","
            + "\"div\":\"<div xmlns=\\\"x\\\">{ \\\"text\\\": ] }</div>\"},\"actual\":false}", "text"));
    // First and last member.
    assertEquals("{\"id\":\"g\"}", ResourceCodec.withoutMember("{\"text\":{\"a\":[1,{\"b\":2}]},\"id\":\"g\"}", "text"));
    assertEquals("{\"id\":\"g\"}", ResourceCodec.withoutMember("{\"id\":\"g\",\"text\":{\"a\":1}}", "text"));
    // A nested "text" (a CodeableConcept's) stays; so does a string value that reads "text":.
    String nested = "{\"condition\":[{\"text\":\"Leukemia\"}],\"title\":\"\\\"text\\\":{}\"}";
    assertEquals(nested, ResourceCodec.withoutMember(nested, "text"));
    // A primitive member.
    assertEquals("{\"a\":1}", ResourceCodec.withoutMember("{\"text\":true,\"a\":1}", "text"));
  }
}
