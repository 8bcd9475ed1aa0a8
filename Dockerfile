# syntax=docker/dockerfile:1.7
# One image recipe for every Java part of the pipeline. docker-compose.yml builds it once per
# service with MODULE (the Maven module folder) and MAIN (its main class); the build stage is
# the same for all of them, so BuildKit runs the Maven build once and reuses it.
FROM maven:3.9.11-eclipse-temurin-17 AS build
WORKDIR /src
COPY . .
RUN --mount=type=cache,target=/root/.m2 ./mvnw -B -q -DskipTests install

FROM eclipse-temurin:17.0.16_8-jre-jammy
ARG MODULE
ARG MAIN
ENV MAIN_CLASS=${MAIN} \
    JAVA_OPTS="-XX:MaxRAMPercentage=60 -XX:+ExitOnOutOfMemoryError"
WORKDIR /app
COPY --from=build /src/${MODULE}/target/${MODULE}.jar /app/app.jar
COPY --from=build /src/${MODULE}/target/lib/ /app/lib/
USER 10001:10001
ENTRYPOINT ["sh", "-c", "exec java $JAVA_OPTS -cp '/app/app.jar:/app/lib/*' \"$MAIN_CLASS\""]
