package org.trialfhir.server;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * One HTTP/1.1 response read off a socket and no further, so that the next response on the same connection can be
 * read after it: the body by its {@code Content-Length} or its chunks. For tests about what happens to a connection,
 * which {@code java.net.http} hides.
 *
 * @param statusLine e.g. {@code HTTP/1.1 400 Bad Request}
 * @param headers the header lines as sent, each ending in CRLF
 * @param body the body as UTF-8
 */
record RawResponse(String statusLine, String headers, String body) {
  static RawResponse read(InputStream in) throws IOException {
    String statusLine = line(in);
    StringBuilder headers = new StringBuilder();
    long length = -1;
    boolean chunked = false;
    for (String header = line(in); !header.isEmpty(); header = line(in)) {
      headers.append(header).append("\r\n");
      String lower = header.toLowerCase(Locale.ROOT);
      if (lower.startsWith("content-length:")) {
        length = Long.parseLong(lower.substring("content-length:".length()).strip());
      } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
        chunked = true;
      }
    }
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    if (chunked) {
      for (int size = chunkSize(line(in)); size > 0; size = chunkSize(line(in))) {
        body.write(exactly(in, size));
        line(in);
      }
      for (String trailer = line(in); !trailer.isEmpty(); trailer = line(in)) {
        headers.append(trailer).append("\r\n");
      }
    } else if (length > 0) {
      body.write(exactly(in, Math.toIntExact(length)));
    }
    return new RawResponse(statusLine, headers.toString(), body.toString(StandardCharsets.UTF_8));
  }

  private static int chunkSize(String line) {
    return Integer.parseInt(line.split(";", 2)[0].strip(), 16);
  }

  private static byte[] exactly(InputStream in, int n) throws IOException {
    byte[] bytes = in.readNBytes(n);
    if (bytes.length < n) {
      throw new EOFException("the connection closed " + bytes.length + " bytes into a body of " + n);
    }
    return bytes;
  }

  /** A line without its CRLF; the end of the stream before any byte of it is an error, as no answer came. */
  private static String line(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    for (int b = in.read(); b != '\n'; b = in.read()) {
      if (b < 0) {
        throw new EOFException(line.size() == 0 ? "the connection closed with no answer"
            : "the connection closed in the middle of a line: " + line.toString(StandardCharsets.ISO_8859_1));
      }
      if (b != '\r') {
        line.write(b);
      }
    }
    return line.toString(StandardCharsets.ISO_8859_1);
  }
}
