package org.trialfhir.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * What a refused request does to its connection, over a raw socket (which {@code java.net.http} hides), for refusals
 * by HAPI's routing (an unknown operation), by {@link ReadOnlyRules} (a write to a read-only server) and by a search's
 * parameters (after its form body was read): refused before its body has arrived, the answer says
 * {@code Connection: close} and the server closes it; refused once the body has arrived, the connection stays, and the
 * next request on it is answered.
 */
class UnreadBodyIT {
  private static final String PARAMETERS = "{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"x\","
      + "\"valueString\":\"" + "y".repeat(2_000) + "\"}]}";
  private static final String ORGANIZATION = "{\"resourceType\":\"Organization\",\"name\":\"" + "y".repeat(2_000)
      + "\"}";
  /** Path, media type, body, and the status the refusal has. */
  private static final List<List<String>> REFUSED = List.of(
      List.of("/ResearchStudy/$no-such-operation", "application/fhir+json", PARAMETERS, "400"),
      List.of("/Organization", "application/fhir+json", ORGANIZATION, "405"),
      List.of("/ResearchStudy/_search", "application/x-www-form-urlencoded", "date=soon&_content=" + "y".repeat(2_000),
          "400"));

  /** Read-only, so that a create is refused by {@link ReadOnlyRules} before its body is read. */
  private static final TestServer server = TestServer.start();

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  @Test
  void aRequestRefusedBeforeItsBodyHasArrivedSaysItsConnectionCloses() throws Exception {
    for (List<String> refusal : REFUSED.subList(0, 2)) {
      try (RawConnection connection = new RawConnection(server)) {
        byte[] body = refusal.get(2).getBytes(StandardCharsets.UTF_8);
        connection.send(connection.head("POST", refusal.get(0), refusal.get(1), body.length));
        connection.send(Arrays.copyOf(body, 100));
        RawResponse refused = connection.read();
        assertTrue(refused.statusLine().startsWith("HTTP/1.1 " + refusal.get(3)), refusal + refused.statusLine());
        assertTrue(refused.body().contains("OperationOutcome"), refused.body());
        assertTrue(refused.headers().toLowerCase(Locale.ROOT).contains("connection: close"), refused.headers());
        assertTrue(connection.closedByServer(), "the server closed the connection");
      }
    }
  }

  @Test
  void aRequestRefusedOnceItsBodyHasArrivedKeepsItsConnection() throws Exception {
    try (RawConnection connection = new RawConnection(server)) {
      for (List<String> refusal : REFUSED) {
        byte[] body = refusal.get(2).getBytes(StandardCharsets.UTF_8);
        byte[] head = connection.head("POST", refusal.get(0), refusal.get(1), body.length);
        byte[] whole = Arrays.copyOf(head, head.length + body.length);
        System.arraycopy(body, 0, whole, head.length, body.length);
        connection.send(whole);
        RawResponse refused = connection.read();
        assertTrue(refused.statusLine().startsWith("HTTP/1.1 " + refusal.get(3)), refusal + refused.statusLine());
        assertFalse(refused.headers().toLowerCase(Locale.ROOT).contains("connection: close"), refused.headers());
      }
      connection.send(connection.head("GET", "/metadata", null, 0));
      RawResponse next = connection.read();
      assertEquals("HTTP/1.1 200 OK", next.statusLine());
      assertTrue(next.body().contains("\"CapabilityStatement\""), next.body());
    }
  }
}
