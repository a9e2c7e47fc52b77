// TLS and mTLS on both servers, with certificates made at test time: a
// client that trusts the CA gets in, one that does not (or speaks plaintext)
// does not, and with a client CA only clients holding a certificate it signed.

#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "daemon/config.h"
#include "daemon/server.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "gtest/gtest.h"
#include "httplib.h"
#include "support/daemon_fixture.h"
#include "support/temp_dir.h"
#include "support/test_certs.h"

namespace rung {
namespace {

using grpc::health::v1::Health;
using grpc::health::v1::HealthCheckRequest;
using grpc::health::v1::HealthCheckResponse;

class TlsTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(certs_.ok()) << "openssl could not make the certificates"; }

  void TearDown() override {
    if (server_ != nullptr) server_->Shutdown(absl::ZeroDuration());
  }

  void StartWith(bool client_ca) {
    config::v1::Config config;
    certs_.SetServerTls(client_ca, &config);
    absl::StatusOr<DaemonConfig> resolved = ResolveConfig(config);
    ASSERT_TRUE(resolved.ok()) << resolved.status();
    auto server = test_support::StartLocalServer(dir_.File("rung.db"), *resolved);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = std::move(*server);
  }

  // TLS credentials trusting `ca`, presenting `client` ("" for none).
  std::shared_ptr<grpc::ChannelCredentials> Tls(const std::string& ca,
                                                const std::string& client = "") {
    grpc::SslCredentialsOptions options;
    options.pem_root_certs = certs_.Pem(certs_.Cert(ca));
    if (!client.empty()) {
      options.pem_cert_chain = certs_.Pem(certs_.Cert(client));
      options.pem_private_key = certs_.Pem(certs_.Key(client));
    }
    return grpc::SslCredentials(options);
  }

  grpc::Status CheckHealth(const std::shared_ptr<grpc::ChannelCredentials>& credentials) {
    auto health = Health::NewStub(grpc::CreateChannel(server_->grpc_address(), credentials));
    grpc::ClientContext context;
    // A bound, not a measurement: a refused handshake fails at once.
    context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(30)));
    HealthCheckResponse response;
    return health->Check(&context, HealthCheckRequest(), &response);
  }

  int HttpPort() const {
    const std::string address = server_->http_address();
    return std::stoi(address.substr(address.rfind(':') + 1));
  }

  // GET /healthz over HTTPS trusting `ca`, presenting `client` ("" for none):
  // the status, or 0 when no answer came.
  int HttpsHealthz(const std::string& ca, const std::string& client = "") {
    std::unique_ptr<httplib::SSLClient> http =
        client.empty() ? std::make_unique<httplib::SSLClient>("127.0.0.1", HttpPort())
                       : std::make_unique<httplib::SSLClient>(
                             "127.0.0.1", HttpPort(), certs_.Cert(client), certs_.Key(client));
    http->set_ca_cert_path(certs_.Cert(ca).c_str());
    http->enable_server_certificate_verification(true);
    const httplib::Result result = http->Get("/healthz");
    return result ? result->status : 0;
  }

  test_support::TestCerts certs_;
  test_support::TempDir dir_;
  std::unique_ptr<Server> server_;
};

TEST_F(TlsTest, GrpcClientsThatTrustTheCaGetIn) {
  StartWith(/*client_ca=*/false);
  const grpc::Status trusted = CheckHealth(Tls("ca"));
  EXPECT_TRUE(trusted.ok()) << trusted.error_message();
  EXPECT_EQ(CheckHealth(Tls("other_ca")).error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(CheckHealth(grpc::InsecureChannelCredentials()).error_code(),
            grpc::StatusCode::UNAVAILABLE);
}

TEST_F(TlsTest, GrpcWithAClientCaNeedsAClientCertificateItSigned) {
  StartWith(/*client_ca=*/true);
  const grpc::Status signed_client = CheckHealth(Tls("ca", "client"));
  EXPECT_TRUE(signed_client.ok()) << signed_client.error_message();
  EXPECT_EQ(CheckHealth(Tls("ca")).error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(CheckHealth(Tls("ca", "stranger")).error_code(), grpc::StatusCode::UNAVAILABLE);
}

TEST_F(TlsTest, HttpsClientsThatTrustTheCaGetIn) {
  StartWith(/*client_ca=*/false);
  EXPECT_EQ(HttpsHealthz("ca"), 200);
  EXPECT_EQ(HttpsHealthz("other_ca"), 0);
  httplib::Client plaintext("127.0.0.1", HttpPort());
  const httplib::Result result = plaintext.Get("/healthz");
  EXPECT_FALSE(result && result->status == 200);
}

TEST_F(TlsTest, HttpsWithAClientCaNeedsAClientCertificateItSigned) {
  StartWith(/*client_ca=*/true);
  EXPECT_EQ(HttpsHealthz("ca", "client"), 200);
  EXPECT_EQ(HttpsHealthz("ca"), 0);
  EXPECT_EQ(HttpsHealthz("ca", "stranger"), 0);
}

}  // namespace
}  // namespace rung
