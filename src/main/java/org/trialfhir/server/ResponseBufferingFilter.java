package org.trialfhir.server;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

/**
 * Collects each response body in memory and sends it in one write with a {@code Content-Length}. HAPI's JSON writer
 * flushes after every value it writes, and each flush would otherwise reach the socket as a chunk of its own: a
 * 13 KB study took dozens of system calls. Responses here are at most a page of search results. A response that
 * declares its length before it writes ({@link CachedResponseInterceptor}) has its body at hand already and goes
 * straight through.
 */
final class ResponseBufferingFilter extends HttpFilter {
  private static final long serialVersionUID = 1L;

  @Override
  protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws IOException, ServletException {
    BufferedResponse buffered = new BufferedResponse(response);
    chain.doFilter(request, buffered);
    buffered.send();
  }

  /** A response whose body goes to a buffer; flushes are ignored until {@link #send}. */
  private static final class BufferedResponse extends HttpServletResponseWrapper {
    /** Created when the first byte is buffered: a response that goes straight through needs none. */
    private ByteArrayOutputStream body;
    private ServletOutputStream stream;
    private PrintWriter writer;
    private boolean lengthDeclared;

    BufferedResponse(HttpServletResponse response) {
      super(response);
    }

    @Override
    public ServletOutputStream getOutputStream() throws IOException {
      if (writer != null) {
        throw new IllegalStateException("getWriter() was called already");
      }
      if (stream == null && lengthDeclared) {
        stream = super.getOutputStream();
      }
      if (stream == null) {
        body = new ByteArrayOutputStream(16 * 1024);
        stream = new ServletOutputStream() {
          @Override
          public void write(int b) {
            body.write(b);
          }

          @Override
          public void write(byte[] bytes, int offset, int length) {
            body.write(bytes, offset, length);
          }

          @Override
          public boolean isReady() {
            return true;
          }

          @Override
          public void setWriteListener(WriteListener listener) {
            throw new UnsupportedOperationException("responses are buffered, not written asynchronously");
          }
        };
      }
      return stream;
    }

    @Override
    public PrintWriter getWriter() {
      if (stream != null) {
        throw new IllegalStateException("getOutputStream() was called already");
      }
      if (writer == null) {
        String encoding = getCharacterEncoding();
        Charset charset = encoding == null ? StandardCharsets.UTF_8 : Charset.forName(encoding);
        body = new ByteArrayOutputStream(16 * 1024);
        writer = new PrintWriter(new OutputStreamWriter(body, charset));
      }
      return writer;
    }

    @Override
    public void setContentLength(int length) {
      setContentLengthLong(length);
    }

    @Override
    public void setContentLengthLong(long length) {
      lengthDeclared = stream == null && writer == null && length >= 0;
      super.setContentLengthLong(length);
    }

    @Override
    public void flushBuffer() {
      // Sent whole by send().
    }

    @Override
    public void resetBuffer() {
      if (body != null) {
        body.reset();
      }
      super.resetBuffer();
    }

    @Override
    public void reset() {
      if (body != null) {
        body.reset();
      }
      super.reset();
    }

    void send() throws IOException {
      if (writer != null) {
        writer.flush();
      }
      if (body != null && body.size() > 0 && !isCommitted()) {
        setContentLength(body.size());
        ServletOutputStream out = super.getOutputStream();
        body.writeTo(out);
        out.flush();
      }
    }
  }
}
