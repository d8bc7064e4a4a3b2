import { AuthError, errorFromResponse, NotFoundError, ServerError, ConcurrencyLimitError, RestreamError } from '../../src/http/errors';
import { redact } from '../../src/http/redact';

describe('redaction', () => {
  it('scrubs form, JSON and bearer secrets and literal values', () => {
    const text = 'client_id=abc&client_secret=s3cr3t-value {"access_token": "tok-123456"} Authorization: Bearer abc.def-ghi';
    const out = redact(text);
    expect(out).not.toContain('s3cr3t-value');
    expect(out).not.toContain('tok-123456');
    expect(out).not.toContain('abc.def-ghi');
    expect(redact('the secret is hunter2hunter2', ['hunter2hunter2'])).toBe('the secret is [REDACTED]');
  });

  it('keeps secrets out of messages and JSON of errors', () => {
    const error = errorFromResponse({
      status: 401,
      method: 'get',
      path: '/external/thirdparty/v1/sites/1/',
      body: { detail: 'Invalid token tok-abcdefgh' },
      secrets: ['tok-abcdefgh'],
    });
    expect(error).toBeInstanceOf(AuthError);
    expect(error).toBeInstanceOf(RestreamError);
    expect(error.message).toBe('GET /external/thirdparty/v1/sites/1/ failed with HTTP 401: Invalid token [REDACTED]');
    expect(JSON.stringify(error)).not.toContain('tok-abcdefgh');
    expect(error.toJSON()).toMatchObject({ name: 'AuthError', status: 401, method: 'GET' });
  });

  it('picks the subclass from the status', () => {
    const of = (status: number) => errorFromResponse({ status, method: 'GET', path: '/x' });
    expect(of(403)).toBeInstanceOf(AuthError);
    expect(of(404)).toBeInstanceOf(NotFoundError);
    expect(of(429)).toBeInstanceOf(ConcurrencyLimitError);
    expect(of(503)).toBeInstanceOf(ServerError);
  });
});
