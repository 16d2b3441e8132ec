package org.trialfhir.server;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * One HTTP/1.1 connection to a test server over a plain socket, for tests about what happens to a connection (which
 * {@code java.net.http} hides): requests are written as given, a part at a time if need be, and each response is read
 * off it whole ({@link RawResponse}).
 */
final class RawConnection implements AutoCloseable {
  private final Socket socket;
  private final InputStream in;
  private final URI base;

  RawConnection(TestServer server) throws IOException {
    base = server.uri("/");
    socket = new Socket(base.getHost(), base.getPort());
    socket.setSoTimeout(30_000);
    in = new BufferedInputStream(socket.getInputStream());
  }

  /**
   * A request's line and headers for {@code path} under the FHIR base (query included), with a body of
   * {@code length} bytes unless the media type is null.
   */
  byte[] head(String method, String path, String mediaType, int length) {
    String head = method + " " + base.getRawPath() + path.substring(1) + " HTTP/1.1\r\nHost: " + base.getHost() + ":"
        + base.getPort() + "\r\n" + (mediaType == null ? "" : "Content-Type: " + mediaType + "\r\nContent-Length: "
        + length + "\r\n") + "\r\n";
    return head.getBytes(StandardCharsets.US_ASCII);
  }

  /** Sent in one write, so that on loopback the server has it all at once. */
  void send(byte[] bytes) throws IOException {
    send(bytes, 0, bytes.length);
  }

  void send(byte[] bytes, int offset, int length) throws IOException {
    socket.getOutputStream().write(bytes, offset, length);
    socket.getOutputStream().flush();
  }

  RawResponse read() throws IOException {
    return RawResponse.read(in);
  }

  /** Whether the server has closed the connection (waits for it, up to the socket's timeout). */
  boolean closedByServer() throws IOException {
    return in.read() == -1;
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
