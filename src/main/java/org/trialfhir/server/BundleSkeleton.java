package org.trialfhir.server;

import java.util.List;

/**
 * A Bundle encoded without its entries' resources: the bytes, and for each entry in order the offset where its
 * resource's encoding belongs. {@link #fill} joins them into the whole Bundle with one allocation.
 */
record BundleSkeleton(byte[] bytes, int[] holes) {

  /** The Bundle with the i-th resource encoding at the i-th hole. */
  byte[] fill(List<byte[]> resources) {
    if (resources.size() != holes.length) {
      throw new IllegalArgumentException(holes.length + " holes for " + resources.size() + " resources");
    }
    int length = bytes.length;
    for (byte[] resource : resources) {
      length += resource.length;
    }
    byte[] whole = new byte[length];
    int from = 0;
    int to = 0;
    for (int i = 0; i < holes.length; i++) {
      System.arraycopy(bytes, from, whole, to, holes[i] - from);
      to += holes[i] - from;
      from = holes[i];
      byte[] resource = resources.get(i);
      System.arraycopy(resource, 0, whole, to, resource.length);
      to += resource.length;
    }
    System.arraycopy(bytes, from, whole, to, bytes.length - from);
    return whole;
  }
}
