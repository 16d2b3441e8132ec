package org.trialfhir.store.jdbc;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Date;
import org.hl7.fhir.r4.model.Meta;

/**
 * A stored version's JSON with the stamps {@link ResourceCodec#stamp} would give its parse, spliced in as text: the
 * compact JSON HAPI writes for the stamped resource, without parsing and encoding it again.
 *
 * <p>Why it is that encoding: the store keeps HAPI's compact encoding of the resource as a parse gives it back
 * ({@link ResourceCodec#encode}), without the stamps; encoding the parse writes the same members in the same order,
 * and the stamps go where HAPI writes them: {@code meta} follows {@code resourceType} and {@code id}, and
 * {@code versionId} then {@code lastUpdated} open {@code meta} unless it has an element id or extensions. What does not
 * fit that shape, and a number in exponent form (whose parse HAPI writes differently), is refused: the caller parses.
 */
final class StampedJson {
  private static final byte[] META = bytes(",\"meta\":{");

  private StampedJson() {}

  /** The stamped JSON of compressed stored content, or null when it is not certain to be HAPI's encoding. */
  static byte[] fromStored(byte[] stored, String type, String id, int versionId, Instant lastUpdated) {
    return stamped(StoredCompression.decompress(stored), type, id, versionId, lastUpdated);
  }

  /** The stamped JSON of stored (unstamped, uncompressed) JSON, or null when it is not certain to be HAPI's. */
  static byte[] stamped(byte[] json, String type, String id, int versionId, Instant lastUpdated) {
    byte[] head = bytes("{\"resourceType\":\"" + type + "\",\"id\":\"" + id + "\"");
    if (!startsWith(json, head, 0) || json.length <= head.length || ResourceCodec.hasExponentNumber(json)) {
      return null;
    }
    String stamps = "\"versionId\":\"" + versionId + "\",\"lastUpdated\":\"" + lastUpdated(lastUpdated) + "\"";
    int at = head.length;
    byte[] inserted;
    if (startsWith(json, META, at)) {
      at += META.length;
      if (json[at] == '}' || startsWith(json, bytes("\"id\""), at) || startsWith(json, bytes("\"extension\""), at)) {
        return null;
      }
      inserted = bytes(stamps + ",");
    } else if (json[at] == ',' && json[at + 1] == '"' && json[at + 2] != '_') {
      // Any other member (or none) after the id: meta is missing, and would come first.
      inserted = bytes(",\"meta\":{" + stamps + "}");
    } else if (json[at] == '}') {
      inserted = bytes(",\"meta\":{" + stamps + "}");
    } else {
      // "_id" (the id's extensions), or something HAPI does not write.
      return null;
    }
    byte[] out = Arrays.copyOf(json, json.length + inserted.length);
    System.arraycopy(inserted, 0, out, at, inserted.length);
    System.arraycopy(json, at, out, at + inserted.length, json.length - at);
    return out;
  }

  /** {@code meta.lastUpdated} as HAPI writes the value {@link ResourceCodec#stamp} sets. */
  private static String lastUpdated(Instant lastUpdated) {
    return new Meta().setLastUpdated(Date.from(lastUpdated)).getLastUpdatedElement().getValueAsString();
  }

  private static boolean startsWith(byte[] bytes, byte[] prefix, int at) {
    return bytes.length >= at + prefix.length && Arrays.equals(bytes, at, at + prefix.length, prefix, 0, prefix.length);
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

}
