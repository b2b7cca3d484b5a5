# Multi-stage: build with the SDK, run on the ASP.NET runtime as a non-root user.
# No Docker engine runs on the development machines; this file is kept correct by reading (see README).
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY global.json Directory.Build.props Directory.Build.targets Directory.Packages.props Supervisor.sln .editorconfig ./
COPY src/ src/
COPY sql/ sql/
COPY demo/ demo/
COPY templates/ templates/
COPY appsettings.json ./
RUN dotnet publish src/Supervisor/Supervisor.csproj -c Release -o /app --nologo

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
# A CJK font: the 通报's on-time chart is drawn with Chinese labels (ScottPlot finds a system font that has them).
RUN apt-get update \
 && apt-get install -y --no-install-recommends curl tzdata fonts-wqy-microhei fontconfig \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=build /app ./
RUN mkdir -p /data && chown app:app /data
# The aspnet image's built-in unprivileged user.
USER app
ENV Console__Urls=http://0.0.0.0:8080 \
    Supervisor__DataDirectory=/data \
    DOTNET_NOLOGO=1
EXPOSE 8080
VOLUME ["/data"]
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD curl -fsS http://127.0.0.1:8080/health/ready || exit 1
ENTRYPOINT ["/app/supervisor"]
CMD ["serve"]
